// Original file: ../../protos/arbor/v1/search.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CancelJobRequest as _arbor_v1_CancelJobRequest, CancelJobRequest__Output as _arbor_v1_CancelJobRequest__Output } from '../../arbor/v1/CancelJobRequest';
import type { GetJobRequest as _arbor_v1_GetJobRequest, GetJobRequest__Output as _arbor_v1_GetJobRequest__Output } from '../../arbor/v1/GetJobRequest';
import type { Job as _arbor_v1_Job, Job__Output as _arbor_v1_Job__Output } from '../../arbor/v1/Job';
import type { JobEvent as _arbor_v1_JobEvent, JobEvent__Output as _arbor_v1_JobEvent__Output } from '../../arbor/v1/JobEvent';
import type { ListJobsRequest as _arbor_v1_ListJobsRequest, ListJobsRequest__Output as _arbor_v1_ListJobsRequest__Output } from '../../arbor/v1/ListJobsRequest';
import type { ListJobsResponse as _arbor_v1_ListJobsResponse, ListJobsResponse__Output as _arbor_v1_ListJobsResponse__Output } from '../../arbor/v1/ListJobsResponse';
import type { SubmitJobRequest as _arbor_v1_SubmitJobRequest, SubmitJobRequest__Output as _arbor_v1_SubmitJobRequest__Output } from '../../arbor/v1/SubmitJobRequest';
import type { WatchJobRequest as _arbor_v1_WatchJobRequest, WatchJobRequest__Output as _arbor_v1_WatchJobRequest__Output } from '../../arbor/v1/WatchJobRequest';

/**
 * Durable batch jobs: a dataset run over a grid of search configurations, queued in NATS JetStream and worked by
 * every orchestrator replica. A job outlives the client that submitted it and the replicas that run it: a replica
 * that stops mid-search has its problems redelivered to the others, and each (configuration, problem) is answered
 * exactly once. Needs an orchestrator started with ARBOR_JOBS=on; otherwise FAILED_PRECONDITION.
 */
export interface JobServiceClient extends grpc.Client {
  /**
   * Drops the problems not yet started and stops the running ones; results already in are kept.
   */
  CancelJob(argument: _arbor_v1_CancelJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_Job__Output>): grpc.ClientUnaryCall;
  CancelJob(argument: _arbor_v1_CancelJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_arbor_v1_Job__Output>): grpc.ClientUnaryCall;
  CancelJob(argument: _arbor_v1_CancelJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_Job__Output>): grpc.ClientUnaryCall;
  CancelJob(argument: _arbor_v1_CancelJobRequest, callback: grpc.requestCallback<_arbor_v1_Job__Output>): grpc.ClientUnaryCall;
  /**
   * Drops the problems not yet started and stops the running ones; results already in are kept.
   */
  cancelJob(argument: _arbor_v1_CancelJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_Job__Output>): grpc.ClientUnaryCall;
  cancelJob(argument: _arbor_v1_CancelJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_arbor_v1_Job__Output>): grpc.ClientUnaryCall;
  cancelJob(argument: _arbor_v1_CancelJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_Job__Output>): grpc.ClientUnaryCall;
  cancelJob(argument: _arbor_v1_CancelJobRequest, callback: grpc.requestCallback<_arbor_v1_Job__Output>): grpc.ClientUnaryCall;
  
  GetJob(argument: _arbor_v1_GetJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_Job__Output>): grpc.ClientUnaryCall;
  GetJob(argument: _arbor_v1_GetJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_arbor_v1_Job__Output>): grpc.ClientUnaryCall;
  GetJob(argument: _arbor_v1_GetJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_Job__Output>): grpc.ClientUnaryCall;
  GetJob(argument: _arbor_v1_GetJobRequest, callback: grpc.requestCallback<_arbor_v1_Job__Output>): grpc.ClientUnaryCall;
  getJob(argument: _arbor_v1_GetJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_Job__Output>): grpc.ClientUnaryCall;
  getJob(argument: _arbor_v1_GetJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_arbor_v1_Job__Output>): grpc.ClientUnaryCall;
  getJob(argument: _arbor_v1_GetJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_Job__Output>): grpc.ClientUnaryCall;
  getJob(argument: _arbor_v1_GetJobRequest, callback: grpc.requestCallback<_arbor_v1_Job__Output>): grpc.ClientUnaryCall;
  
  /**
   * The caller's jobs, newest first.
   */
  ListJobs(argument: _arbor_v1_ListJobsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  ListJobs(argument: _arbor_v1_ListJobsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_arbor_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  ListJobs(argument: _arbor_v1_ListJobsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  ListJobs(argument: _arbor_v1_ListJobsRequest, callback: grpc.requestCallback<_arbor_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  /**
   * The caller's jobs, newest first.
   */
  listJobs(argument: _arbor_v1_ListJobsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  listJobs(argument: _arbor_v1_ListJobsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_arbor_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  listJobs(argument: _arbor_v1_ListJobsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  listJobs(argument: _arbor_v1_ListJobsRequest, callback: grpc.requestCallback<_arbor_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  
  /**
   * Checks the whole job, then queues every problem under every configuration; returns with the job once queued.
   */
  SubmitJob(argument: _arbor_v1_SubmitJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_Job__Output>): grpc.ClientUnaryCall;
  SubmitJob(argument: _arbor_v1_SubmitJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_arbor_v1_Job__Output>): grpc.ClientUnaryCall;
  SubmitJob(argument: _arbor_v1_SubmitJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_Job__Output>): grpc.ClientUnaryCall;
  SubmitJob(argument: _arbor_v1_SubmitJobRequest, callback: grpc.requestCallback<_arbor_v1_Job__Output>): grpc.ClientUnaryCall;
  /**
   * Checks the whole job, then queues every problem under every configuration; returns with the job once queued.
   */
  submitJob(argument: _arbor_v1_SubmitJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_Job__Output>): grpc.ClientUnaryCall;
  submitJob(argument: _arbor_v1_SubmitJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_arbor_v1_Job__Output>): grpc.ClientUnaryCall;
  submitJob(argument: _arbor_v1_SubmitJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_arbor_v1_Job__Output>): grpc.ClientUnaryCall;
  submitJob(argument: _arbor_v1_SubmitJobRequest, callback: grpc.requestCallback<_arbor_v1_Job__Output>): grpc.ClientUnaryCall;
  
  /**
   * The job's status, then every result (those already in first, in the order they came), then its final status
   * when every problem is answered or the job is cancelled. Watching again replays from the start.
   */
  WatchJob(argument: _arbor_v1_WatchJobRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_arbor_v1_JobEvent__Output>;
  WatchJob(argument: _arbor_v1_WatchJobRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_arbor_v1_JobEvent__Output>;
  /**
   * The job's status, then every result (those already in first, in the order they came), then its final status
   * when every problem is answered or the job is cancelled. Watching again replays from the start.
   */
  watchJob(argument: _arbor_v1_WatchJobRequest, metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientReadableStream<_arbor_v1_JobEvent__Output>;
  watchJob(argument: _arbor_v1_WatchJobRequest, options?: grpc.CallOptions): grpc.ClientReadableStream<_arbor_v1_JobEvent__Output>;
  
}

/**
 * Durable batch jobs: a dataset run over a grid of search configurations, queued in NATS JetStream and worked by
 * every orchestrator replica. A job outlives the client that submitted it and the replicas that run it: a replica
 * that stops mid-search has its problems redelivered to the others, and each (configuration, problem) is answered
 * exactly once. Needs an orchestrator started with ARBOR_JOBS=on; otherwise FAILED_PRECONDITION.
 */
export interface JobServiceHandlers extends grpc.UntypedServiceImplementation {
  /**
   * Drops the problems not yet started and stops the running ones; results already in are kept.
   */
  CancelJob: grpc.handleUnaryCall<_arbor_v1_CancelJobRequest__Output, _arbor_v1_Job>;
  
  GetJob: grpc.handleUnaryCall<_arbor_v1_GetJobRequest__Output, _arbor_v1_Job>;
  
  /**
   * The caller's jobs, newest first.
   */
  ListJobs: grpc.handleUnaryCall<_arbor_v1_ListJobsRequest__Output, _arbor_v1_ListJobsResponse>;
  
  /**
   * Checks the whole job, then queues every problem under every configuration; returns with the job once queued.
   */
  SubmitJob: grpc.handleUnaryCall<_arbor_v1_SubmitJobRequest__Output, _arbor_v1_Job>;
  
  /**
   * The job's status, then every result (those already in first, in the order they came), then its final status
   * when every problem is answered or the job is cancelled. Watching again replays from the start.
   */
  WatchJob: grpc.handleServerStreamingCall<_arbor_v1_WatchJobRequest__Output, _arbor_v1_JobEvent>;
  
}

export interface JobServiceDefinition extends grpc.ServiceDefinition {
  CancelJob: MethodDefinition<_arbor_v1_CancelJobRequest, _arbor_v1_Job, _arbor_v1_CancelJobRequest__Output, _arbor_v1_Job__Output>
  GetJob: MethodDefinition<_arbor_v1_GetJobRequest, _arbor_v1_Job, _arbor_v1_GetJobRequest__Output, _arbor_v1_Job__Output>
  ListJobs: MethodDefinition<_arbor_v1_ListJobsRequest, _arbor_v1_ListJobsResponse, _arbor_v1_ListJobsRequest__Output, _arbor_v1_ListJobsResponse__Output>
  SubmitJob: MethodDefinition<_arbor_v1_SubmitJobRequest, _arbor_v1_Job, _arbor_v1_SubmitJobRequest__Output, _arbor_v1_Job__Output>
  WatchJob: MethodDefinition<_arbor_v1_WatchJobRequest, _arbor_v1_JobEvent, _arbor_v1_WatchJobRequest__Output, _arbor_v1_JobEvent__Output>
}
