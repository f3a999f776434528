import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { FEDERATION_BATCH, InboundBatch } from '@fed/federation';
import { ReplicaService } from './replica.service';

/** Federation events in: batches from this node's inbound topic, applied by the replica. */
@Controller()
export class ReplicaConsumer {
  constructor(private readonly replica: ReplicaService) {}

  @EventPattern(FEDERATION_BATCH)
  async onBatch(@Payload() batch: InboundBatch): Promise<void> {
    await this.replica.applyBatch(batch);
  }
}
