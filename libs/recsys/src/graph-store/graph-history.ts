import type { UserHistory, UserHistorySource } from '../serving/user-history';
import type { UserItemGraph } from './user-item.graph';

/** The worker's own view of a user: every item in the graph, most recent first (none of them is recommended). */
export class GraphHistory implements UserHistorySource {
  constructor(
    private readonly graph: UserItemGraph,
    private readonly maxRecent = 50,
  ) {}

  async history(userId: string): Promise<UserHistory> {
    const items = this.graph.itemsOf(userId);
    return { recent: items.slice(0, this.maxRecent), exclude: items };
  }
}
