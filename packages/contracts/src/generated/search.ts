import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { BeamSearch as _arbor_v1_BeamSearch, BeamSearch__Output as _arbor_v1_BeamSearch__Output } from './arbor/v1/BeamSearch';
import type { BestFirst as _arbor_v1_BestFirst, BestFirst__Output as _arbor_v1_BestFirst__Output } from './arbor/v1/BestFirst';
import type { BestOfN as _arbor_v1_BestOfN, BestOfN__Output as _arbor_v1_BestOfN__Output } from './arbor/v1/BestOfN';
import type { Budget as _arbor_v1_Budget, Budget__Output as _arbor_v1_Budget__Output } from './arbor/v1/Budget';
import type { CancelJobRequest as _arbor_v1_CancelJobRequest, CancelJobRequest__Output as _arbor_v1_CancelJobRequest__Output } from './arbor/v1/CancelJobRequest';
import type { CancelSearchRequest as _arbor_v1_CancelSearchRequest, CancelSearchRequest__Output as _arbor_v1_CancelSearchRequest__Output } from './arbor/v1/CancelSearchRequest';
import type { CancelSearchResponse as _arbor_v1_CancelSearchResponse, CancelSearchResponse__Output as _arbor_v1_CancelSearchResponse__Output } from './arbor/v1/CancelSearchResponse';
import type { Dvts as _arbor_v1_Dvts, Dvts__Output as _arbor_v1_Dvts__Output } from './arbor/v1/Dvts';
import type { GetJobRequest as _arbor_v1_GetJobRequest, GetJobRequest__Output as _arbor_v1_GetJobRequest__Output } from './arbor/v1/GetJobRequest';
import type { GetTreeRequest as _arbor_v1_GetTreeRequest, GetTreeRequest__Output as _arbor_v1_GetTreeRequest__Output } from './arbor/v1/GetTreeRequest';
import type { Job as _arbor_v1_Job, Job__Output as _arbor_v1_Job__Output } from './arbor/v1/Job';
import type { JobConfiguration as _arbor_v1_JobConfiguration, JobConfiguration__Output as _arbor_v1_JobConfiguration__Output } from './arbor/v1/JobConfiguration';
import type { JobEvent as _arbor_v1_JobEvent, JobEvent__Output as _arbor_v1_JobEvent__Output } from './arbor/v1/JobEvent';
import type { JobResult as _arbor_v1_JobResult, JobResult__Output as _arbor_v1_JobResult__Output } from './arbor/v1/JobResult';
import type { JobServiceClient as _arbor_v1_JobServiceClient, JobServiceDefinition as _arbor_v1_JobServiceDefinition } from './arbor/v1/JobService';
import type { ListJobsRequest as _arbor_v1_ListJobsRequest, ListJobsRequest__Output as _arbor_v1_ListJobsRequest__Output } from './arbor/v1/ListJobsRequest';
import type { ListJobsResponse as _arbor_v1_ListJobsResponse, ListJobsResponse__Output as _arbor_v1_ListJobsResponse__Output } from './arbor/v1/ListJobsResponse';
import type { ListSearchesRequest as _arbor_v1_ListSearchesRequest, ListSearchesRequest__Output as _arbor_v1_ListSearchesRequest__Output } from './arbor/v1/ListSearchesRequest';
import type { ListSearchesResponse as _arbor_v1_ListSearchesResponse, ListSearchesResponse__Output as _arbor_v1_ListSearchesResponse__Output } from './arbor/v1/ListSearchesResponse';
import type { LiteSearch as _arbor_v1_LiteSearch, LiteSearch__Output as _arbor_v1_LiteSearch__Output } from './arbor/v1/LiteSearch';
import type { Mcts as _arbor_v1_Mcts, Mcts__Output as _arbor_v1_Mcts__Output } from './arbor/v1/Mcts';
import type { ParticleFilter as _arbor_v1_ParticleFilter, ParticleFilter__Output as _arbor_v1_ParticleFilter__Output } from './arbor/v1/ParticleFilter';
import type { Problem as _arbor_v1_Problem, Problem__Output as _arbor_v1_Problem__Output } from './arbor/v1/Problem';
import type { RankedAnswer as _arbor_v1_RankedAnswer, RankedAnswer__Output as _arbor_v1_RankedAnswer__Output } from './arbor/v1/RankedAnswer';
import type { Rebase as _arbor_v1_Rebase, Rebase__Output as _arbor_v1_Rebase__Output } from './arbor/v1/Rebase';
import type { Sampling as _arbor_v1_Sampling, Sampling__Output as _arbor_v1_Sampling__Output } from './arbor/v1/Sampling';
import type { SearchEvent as _arbor_v1_SearchEvent, SearchEvent__Output as _arbor_v1_SearchEvent__Output } from './arbor/v1/SearchEvent';
import type { SearchProgress as _arbor_v1_SearchProgress, SearchProgress__Output as _arbor_v1_SearchProgress__Output } from './arbor/v1/SearchProgress';
import type { SearchRequest as _arbor_v1_SearchRequest, SearchRequest__Output as _arbor_v1_SearchRequest__Output } from './arbor/v1/SearchRequest';
import type { SearchResult as _arbor_v1_SearchResult, SearchResult__Output as _arbor_v1_SearchResult__Output } from './arbor/v1/SearchResult';
import type { SearchServiceClient as _arbor_v1_SearchServiceClient, SearchServiceDefinition as _arbor_v1_SearchServiceDefinition } from './arbor/v1/SearchService';
import type { SearchStats as _arbor_v1_SearchStats, SearchStats__Output as _arbor_v1_SearchStats__Output } from './arbor/v1/SearchStats';
import type { SearchSummary as _arbor_v1_SearchSummary, SearchSummary__Output as _arbor_v1_SearchSummary__Output } from './arbor/v1/SearchSummary';
import type { ServiceCost as _arbor_v1_ServiceCost, ServiceCost__Output as _arbor_v1_ServiceCost__Output } from './arbor/v1/ServiceCost';
import type { Step as _arbor_v1_Step, Step__Output as _arbor_v1_Step__Output } from './arbor/v1/Step';
import type { SubmitJobRequest as _arbor_v1_SubmitJobRequest, SubmitJobRequest__Output as _arbor_v1_SubmitJobRequest__Output } from './arbor/v1/SubmitJobRequest';
import type { Trajectory as _arbor_v1_Trajectory, Trajectory__Output as _arbor_v1_Trajectory__Output } from './arbor/v1/Trajectory';
import type { Tree as _arbor_v1_Tree, Tree__Output as _arbor_v1_Tree__Output } from './arbor/v1/Tree';
import type { TreeNode as _arbor_v1_TreeNode, TreeNode__Output as _arbor_v1_TreeNode__Output } from './arbor/v1/TreeNode';
import type { Usage as _arbor_v1_Usage, Usage__Output as _arbor_v1_Usage__Output } from './arbor/v1/Usage';
import type { WatchJobRequest as _arbor_v1_WatchJobRequest, WatchJobRequest__Output as _arbor_v1_WatchJobRequest__Output } from './arbor/v1/WatchJobRequest';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  arbor: {
    v1: {
      BeamSearch: MessageTypeDefinition<_arbor_v1_BeamSearch, _arbor_v1_BeamSearch__Output>
      BestFirst: MessageTypeDefinition<_arbor_v1_BestFirst, _arbor_v1_BestFirst__Output>
      BestFirstPriority: EnumTypeDefinition
      BestOfN: MessageTypeDefinition<_arbor_v1_BestOfN, _arbor_v1_BestOfN__Output>
      Budget: MessageTypeDefinition<_arbor_v1_Budget, _arbor_v1_Budget__Output>
      CancelJobRequest: MessageTypeDefinition<_arbor_v1_CancelJobRequest, _arbor_v1_CancelJobRequest__Output>
      CancelSearchRequest: MessageTypeDefinition<_arbor_v1_CancelSearchRequest, _arbor_v1_CancelSearchRequest__Output>
      CancelSearchResponse: MessageTypeDefinition<_arbor_v1_CancelSearchResponse, _arbor_v1_CancelSearchResponse__Output>
      Dvts: MessageTypeDefinition<_arbor_v1_Dvts, _arbor_v1_Dvts__Output>
      FinalChoice: EnumTypeDefinition
      GetJobRequest: MessageTypeDefinition<_arbor_v1_GetJobRequest, _arbor_v1_GetJobRequest__Output>
      GetTreeRequest: MessageTypeDefinition<_arbor_v1_GetTreeRequest, _arbor_v1_GetTreeRequest__Output>
      Job: MessageTypeDefinition<_arbor_v1_Job, _arbor_v1_Job__Output>
      JobConfiguration: MessageTypeDefinition<_arbor_v1_JobConfiguration, _arbor_v1_JobConfiguration__Output>
      JobEvent: MessageTypeDefinition<_arbor_v1_JobEvent, _arbor_v1_JobEvent__Output>
      JobResult: MessageTypeDefinition<_arbor_v1_JobResult, _arbor_v1_JobResult__Output>
      /**
       * Durable batch jobs: a dataset run over a grid of search configurations, queued in NATS JetStream and worked by
       * every orchestrator replica. A job outlives the client that submitted it and the replicas that run it: a replica
       * that stops mid-search has its problems redelivered to the others, and each (configuration, problem) is answered
       * exactly once. Needs an orchestrator started with ARBOR_JOBS=on; otherwise FAILED_PRECONDITION.
       */
      JobService: SubtypeConstructor<typeof grpc.Client, _arbor_v1_JobServiceClient> & { service: _arbor_v1_JobServiceDefinition }
      JobState: EnumTypeDefinition
      ListJobsRequest: MessageTypeDefinition<_arbor_v1_ListJobsRequest, _arbor_v1_ListJobsRequest__Output>
      ListJobsResponse: MessageTypeDefinition<_arbor_v1_ListJobsResponse, _arbor_v1_ListJobsResponse__Output>
      ListSearchesRequest: MessageTypeDefinition<_arbor_v1_ListSearchesRequest, _arbor_v1_ListSearchesRequest__Output>
      ListSearchesResponse: MessageTypeDefinition<_arbor_v1_ListSearchesResponse, _arbor_v1_ListSearchesResponse__Output>
      LiteSearch: MessageTypeDefinition<_arbor_v1_LiteSearch, _arbor_v1_LiteSearch__Output>
      Mcts: MessageTypeDefinition<_arbor_v1_Mcts, _arbor_v1_Mcts__Output>
      ParticleFilter: MessageTypeDefinition<_arbor_v1_ParticleFilter, _arbor_v1_ParticleFilter__Output>
      Problem: MessageTypeDefinition<_arbor_v1_Problem, _arbor_v1_Problem__Output>
      RankedAnswer: MessageTypeDefinition<_arbor_v1_RankedAnswer, _arbor_v1_RankedAnswer__Output>
      Rebase: MessageTypeDefinition<_arbor_v1_Rebase, _arbor_v1_Rebase__Output>
      RewardAggregation: EnumTypeDefinition
      Sampling: MessageTypeDefinition<_arbor_v1_Sampling, _arbor_v1_Sampling__Output>
      SearchEvent: MessageTypeDefinition<_arbor_v1_SearchEvent, _arbor_v1_SearchEvent__Output>
      SearchProgress: MessageTypeDefinition<_arbor_v1_SearchProgress, _arbor_v1_SearchProgress__Output>
      SearchRequest: MessageTypeDefinition<_arbor_v1_SearchRequest, _arbor_v1_SearchRequest__Output>
      SearchResult: MessageTypeDefinition<_arbor_v1_SearchResult, _arbor_v1_SearchResult__Output>
      SearchService: SubtypeConstructor<typeof grpc.Client, _arbor_v1_SearchServiceClient> & { service: _arbor_v1_SearchServiceDefinition }
      SearchStats: MessageTypeDefinition<_arbor_v1_SearchStats, _arbor_v1_SearchStats__Output>
      SearchStatus: EnumTypeDefinition
      SearchSummary: MessageTypeDefinition<_arbor_v1_SearchSummary, _arbor_v1_SearchSummary__Output>
      ServiceCost: MessageTypeDefinition<_arbor_v1_ServiceCost, _arbor_v1_ServiceCost__Output>
      Step: MessageTypeDefinition<_arbor_v1_Step, _arbor_v1_Step__Output>
      StopReason: EnumTypeDefinition
      SubmitJobRequest: MessageTypeDefinition<_arbor_v1_SubmitJobRequest, _arbor_v1_SubmitJobRequest__Output>
      Trajectory: MessageTypeDefinition<_arbor_v1_Trajectory, _arbor_v1_Trajectory__Output>
      Tree: MessageTypeDefinition<_arbor_v1_Tree, _arbor_v1_Tree__Output>
      TreeNode: MessageTypeDefinition<_arbor_v1_TreeNode, _arbor_v1_TreeNode__Output>
      Usage: MessageTypeDefinition<_arbor_v1_Usage, _arbor_v1_Usage__Output>
      Vote: EnumTypeDefinition
      WatchJobRequest: MessageTypeDefinition<_arbor_v1_WatchJobRequest, _arbor_v1_WatchJobRequest__Output>
    }
  }
}

