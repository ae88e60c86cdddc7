import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { BeamSearch as _arbor_v1_BeamSearch, BeamSearch__Output as _arbor_v1_BeamSearch__Output } from './arbor/v1/BeamSearch';
import type { BestFirst as _arbor_v1_BestFirst, BestFirst__Output as _arbor_v1_BestFirst__Output } from './arbor/v1/BestFirst';
import type { BestOfN as _arbor_v1_BestOfN, BestOfN__Output as _arbor_v1_BestOfN__Output } from './arbor/v1/BestOfN';
import type { Budget as _arbor_v1_Budget, Budget__Output as _arbor_v1_Budget__Output } from './arbor/v1/Budget';
import type { CancelSearchRequest as _arbor_v1_CancelSearchRequest, CancelSearchRequest__Output as _arbor_v1_CancelSearchRequest__Output } from './arbor/v1/CancelSearchRequest';
import type { CancelSearchResponse as _arbor_v1_CancelSearchResponse, CancelSearchResponse__Output as _arbor_v1_CancelSearchResponse__Output } from './arbor/v1/CancelSearchResponse';
import type { Dvts as _arbor_v1_Dvts, Dvts__Output as _arbor_v1_Dvts__Output } from './arbor/v1/Dvts';
import type { GetTreeRequest as _arbor_v1_GetTreeRequest, GetTreeRequest__Output as _arbor_v1_GetTreeRequest__Output } from './arbor/v1/GetTreeRequest';
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
import type { Trajectory as _arbor_v1_Trajectory, Trajectory__Output as _arbor_v1_Trajectory__Output } from './arbor/v1/Trajectory';
import type { Tree as _arbor_v1_Tree, Tree__Output as _arbor_v1_Tree__Output } from './arbor/v1/Tree';
import type { TreeNode as _arbor_v1_TreeNode, TreeNode__Output as _arbor_v1_TreeNode__Output } from './arbor/v1/TreeNode';
import type { Usage as _arbor_v1_Usage, Usage__Output as _arbor_v1_Usage__Output } from './arbor/v1/Usage';

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
      CancelSearchRequest: MessageTypeDefinition<_arbor_v1_CancelSearchRequest, _arbor_v1_CancelSearchRequest__Output>
      CancelSearchResponse: MessageTypeDefinition<_arbor_v1_CancelSearchResponse, _arbor_v1_CancelSearchResponse__Output>
      Dvts: MessageTypeDefinition<_arbor_v1_Dvts, _arbor_v1_Dvts__Output>
      FinalChoice: EnumTypeDefinition
      GetTreeRequest: MessageTypeDefinition<_arbor_v1_GetTreeRequest, _arbor_v1_GetTreeRequest__Output>
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
      Trajectory: MessageTypeDefinition<_arbor_v1_Trajectory, _arbor_v1_Trajectory__Output>
      Tree: MessageTypeDefinition<_arbor_v1_Tree, _arbor_v1_Tree__Output>
      TreeNode: MessageTypeDefinition<_arbor_v1_TreeNode, _arbor_v1_TreeNode__Output>
      Usage: MessageTypeDefinition<_arbor_v1_Usage, _arbor_v1_Usage__Output>
      Vote: EnumTypeDefinition
    }
  }
}

