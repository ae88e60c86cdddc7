export { connectNats, natsFailureOf, type NatsConnectOptions, type NatsConnection, type NatsFailure } from './connection.js';
export { natsClientFrom, natsClientShape, type NatsAuthMethod, type NatsClient, type NatsClientSettings } from './client-settings.js';
export { serveOnNats, type NatsResponder, type NatsResponderOptions, type NatsResponderStats } from './responder.js';
export { natsAnswers, natsServerInfo, startNatsServer, freePort, localNats, type LocalNats, type NatsServerProcess, type StartNatsOptions } from './server-process.js';
export { attachNats, type NatsAttachment, type NatsAttachOptions } from './attach.js';
