import type { InteractionGraph } from '../graph/interaction-graph';
import type { ScoringModel } from './scoring-model';

/** Ranks items by training degree; the floor every personalised model must beat. */
export class PopularityRecommender implements ScoringModel {
  readonly name = 'popularity';
  readonly numItems: number;
  private readonly degree: Float32Array;

  constructor(graph: InteractionGraph) {
    this.numItems = graph.numItems;
    this.degree = graph.itemDegrees();
  }

  scoreUsers(users: Int32Array, out: Float32Array): void {
    for (let b = 0; b < users.length; b++) out.set(this.degree, b * this.numItems);
  }
}
