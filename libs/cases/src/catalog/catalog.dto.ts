import { CATALOG_LIMITS, TierName, TIERS } from '@fed/contracts';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { NO_CONTROL, noControl } from '../text.rules';

/** A service item as its owner publishes it (PUT /api/v1/catalog/items/:code). */
export class PublishItemDto {
  @IsString()
  @Length(1, CATALOG_LIMITS.name)
  @Matches(NO_CONTROL, noControl)
  name!: string;

  @IsString()
  @Length(1, CATALOG_LIMITS.department)
  @Matches(NO_CONTROL, noControl)
  department!: string;

  @IsIn(TIERS)
  decidingTier!: TierName;

  /** 0 makes the item an instant case (即办件). */
  @IsInt()
  @Min(0)
  @Max(CATALOG_LIMITS.days)
  promisedDays!: number;

  @IsInt()
  @Min(1)
  @Max(CATALOG_LIMITS.days)
  legalDays!: number;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(CATALOG_LIMITS.materials)
  @IsString({ each: true })
  @Length(1, CATALOG_LIMITS.material, { each: true })
  @Matches(NO_CONTROL, { each: true, ...noControl })
  materials: string[] = [];

  @IsOptional()
  @IsString()
  @Length(0, CATALOG_LIMITS.guide)
  @Matches(NO_CONTROL, noControl)
  guide = '';

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(CATALOG_LIMITS.feeFen)
  feeFen = 0;

  @IsOptional()
  @IsIn(['active', 'withdrawn'])
  status: 'active' | 'withdrawn' = 'active';
}

export class ListItemsQuery {
  @IsOptional()
  // 'true' or 'false' only: anything else stays as sent and is refused, never read as false.
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'includeWithdrawn must be true or false' })
  includeWithdrawn = false;
}
