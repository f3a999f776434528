import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const dateMessage = { message: '$property must be a date YYYY-MM-DD' };

export class AddWorkingDaysQuery {
  @Matches(DATE, dateMessage)
  from!: string;

  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3660)
  days!: number;
}

export class WorkingDaysQuery {
  @Matches(DATE, dateMessage)
  from!: string;

  @Matches(DATE, dateMessage)
  to!: string;
}

class HolidayDto {
  @IsString()
  @Length(1, 50)
  name!: string;

  @Matches(DATE, dateMessage)
  from!: string;

  @Matches(DATE, dateMessage)
  to!: string;
}

class MakeupWorkdayDto {
  @Matches(DATE, dateMessage)
  date!: string;

  @IsString()
  @Length(1, 50)
  for!: string;
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
  @Matches(DATE, dateMessage)
  date!: string;

  @IsIn(['day-off', 'working-day'])
  kind!: 'day-off' | 'working-day';

  @IsString()
  @Length(1, 200)
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
