import { Controller } from '@nestjs/common';
import { EventPattern, Payload, RpcException } from '@nestjs/microservices';
import { describeFailure, FEDERATION_BATCH, InboundBatch } from '@fed/federation';
import { ReplicaService } from './replica.service';

/** Federation events in: batches from this node's inbound topic, applied by the replica. */
@Controller()
export class ReplicaConsumer {
  constructor(private readonly replica: ReplicaService) {}

  @EventPattern(FEDERATION_BATCH)
  async onBatch(@Payload() batch: InboundBatch): Promise<void> {
    try {
      await this.replica.applyBatch(batch);
    } catch (e) {
      // Nest's RPC layer hides unknown errors; an RpcException carries to the transport whether to retry.
      throw new RpcException(describeFailure(e));
    }
  }
}
