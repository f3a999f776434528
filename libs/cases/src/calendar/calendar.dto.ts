import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsIsoDate } from '../iso-date.validator';
import { NO_CONTROL, noControl } from '../text.rules';

export class AddWorkingDaysQuery {
  @IsIsoDate()
  from!: string;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3660)
  days!: number;
}

export class WorkingDaysQuery {
  @IsIsoDate()
  from!: string;

  @IsIsoDate()
  to!: string;
}

class HolidayDto {
  @IsString()
  @Length(1, 50)
  @Matches(NO_CONTROL, noControl)
  name!: string;

  @IsIsoDate()
  from!: string;

  @IsIsoDate()
  to!: string;
}

class MakeupWorkdayDto {
  @IsIsoDate()
  date!: string;

  @IsString()
  @Length(1, 50)
  @Matches(NO_CONTROL, noControl)
  for!: string;
}

/** PUT /api/v1/calendar?allowPastChanges=true: change days already past, knowingly. */
export class PublishCalendarQuery {
  @IsOptional()
  @IsIn(['true', 'false'])
  allowPastChanges?: 'true' | 'false';
}

/** The official arrangement the city publishes (PUT /api/v1/calendar). */
export class PublishCalendarDto {
  @IsArray()
  @ArrayMaxSize(100)
  @IsInt({ each: true })
  years!: number[];

  @IsArray()
  @ArrayMaxSize(2000)
  @ValidateNested({ each: true })
  @Type(() => HolidayDto)
  holidays!: HolidayDto[];

  @IsArray()
  @ArrayMaxSize(2000)
  @ValidateNested({ each: true })
  @Type(() => MakeupWorkdayDto)
  makeupWorkdays!: MakeupWorkdayDto[];

  /** The official notice of each year, keyed by year. */
  @IsObject()
  notices!: Record<string, string>;
}

class OverrideDto {
  @IsIsoDate()
  date!: string;

  @IsIn(['day-off', 'working-day'])
  kind!: 'day-off' | 'working-day';

  @IsString()
  @Length(1, 200)
  @Matches(NO_CONTROL, noControl)
  reason!: string;
}

/** A district's complete set of local overrides (PUT /api/v1/calendar/overrides). */
export class PublishOverridesDto {
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => OverrideDto)
  overrides!: OverrideDto[];
}
