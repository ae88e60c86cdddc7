// The gateway's JSON API for the tree viewer (/ui/api/...): what ui-api.ts sends and the page (ui/) reads. No
// imports, so that both the server and the browser bundle compile it.

export interface SearchStatsJson {
  expansions: number;
  nodes: number;
  model_calls: number;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cost_usd: number;
  wall_ms: number;
  depth: number;
}

export interface ServiceCostJson {
  service: string;
  calls: number;
  input_tokens: number;
  output_tokens: number;
  cached_input_tokens: number;
  cost_usd: number;
}

export type SearchStatus = 'running' | 'finished' | 'failed';

export interface SearchSummary {
  search_id: string;
  problem_id: string;
  task: string;
  algorithm: string;
  status: SearchStatus;
  /** "" while running; e.g. "solved", "max_expansions". */
  stop_reason: string;
  solved: boolean;
  answer: string;
  score: number;
  error: string;
  started_at: string;
  finished_at: string | null;
  stats: SearchStatsJson;
  cost: ServiceCostJson[];
  trace_id: string;
  trace_url: string | null;
}

export interface TreeNodeJson {
  id: number;
  /** The root's parent_id equals its id (0). */
  parent_id: number;
  depth: number;
  text: string;
  /** Log-probability of the step under the policy that wrote it. */
  logprob: number;
  terminal: boolean;
  answer: string;
  value: number | null;
  reward: number | null;
  outcome: number | null;
  visits: number;
  expanded: boolean;
  tokens: number;
}

export interface TreeJson {
  search_id: string;
  total_nodes: number;
  /** True once the search is no longer running. */
  complete: boolean;
  /** Node ids from the root to the chosen trajectory's leaf; [] while running. */
  chosen_path: number[];
  /** The nodes whose id is at least `since`, in id order (a parent before its children). */
  nodes: TreeNodeJson[];
}

export interface SearchList {
  searches: SearchSummary[];
}
