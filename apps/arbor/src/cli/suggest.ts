// "Did you mean ...?" for names a user typed: commands, flags, algorithms, settings. The same helper the
// services use for request fields, so the CLI and a gRPC error suggest alike.
export { closestName, didYouMean } from '@arbor/kit/suggest';
