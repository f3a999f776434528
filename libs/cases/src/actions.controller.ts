import { Body, Controller, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { CASE_ACTIONS, CaseAction, StaffActionName } from '@fed/contracts';
import { validateDto } from '@fed/platform';
import { ACTION_BODIES, ActionBodyDto } from './actions.dto';
import { ActionsService } from './actions.service';
import { CaseNoPipe } from './cases.dto';
import { CaseError } from './cases.errors';

/** Lifecycle actions on a case, at the node that handles it. */
@Controller('api/v1/cases/:caseNo/actions')
export class ActionsController {
  constructor(private readonly actions: ActionsService) {}

  /**
   * `accept`, `reject`, `request-supplement`, ... with the action's body. 201 with the case and its new
   * events; 409 when the case's state does not allow it (with the actions it allows) or another node
   * handles the case (naming it).
   */
  @Post(':action')
  @HttpCode(HttpStatus.CREATED)
  async act(
    @Param('caseNo', CaseNoPipe) caseNo: string,
    @Param('action') name: string,
    @Body() body: unknown,
  ) {
    if (!(CASE_ACTIONS as string[]).includes(name)) throw CaseError.unknownAction(name, CASE_ACTIONS);
    const spec = ACTION_BODIES[name as StaffActionName];
    const dto: ActionBodyDto = await validateDto(spec.dto, body ?? {});
    const action: CaseAction = (spec.toAction as (b: ActionBodyDto) => CaseAction)(dto);
    return this.actions.act(caseNo, action, dto.officer ?? '');
  }
}
