export { connectNats, type NatsConnectOptions, type NatsConnection } from './connection.js';
export { serveOnNats, type NatsResponder, type NatsResponderOptions, type NatsResponderStats } from './responder.js';
export { natsAnswers, startNatsServer, freePort, localNats, type LocalNats, type NatsServerProcess, type StartNatsOptions } from './server-process.js';
export { attachNats, type NatsAttachment, type NatsAttachOptions } from './attach.js';
