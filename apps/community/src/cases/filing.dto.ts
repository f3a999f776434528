import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { CHANNELS, ChannelName, ITEM_CODE } from '@fed/contracts';
import { normalizeMobile, normalizeResidentIdNumber } from './applicant.rules';
import { IsMainlandMobile, IsResidentIdNumber } from './applicant.validators';
import { IsFormData } from './form-data.validator';

export class ApplicantDto {
  // Stored and masked as trimmed: spaces around a name are no part of it, and spaces alone no name.
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty({ message: 'name must not be empty or only spaces' })
  @MaxLength(50)
  // eslint-disable-next-line no-control-regex -- refusing control characters is the point
  @Matches(/^[^\u0000-\u001f\u007f]*$/, { message: 'name must not contain control characters' })
  name!: string;

  @Transform(({ value }) => normalizeResidentIdNumber(value))
  @IsResidentIdNumber()
  idNumber!: string;

  @Transform(({ value }) => normalizeMobile(value))
  @IsMainlandMobile()
  phone!: string;
}

export class FileCaseDto {
  /** 实施编码 of the service item. */
  @IsString()
  @Matches(ITEM_CODE, { message: 'itemCode must be 3–40 letters, digits or -' })
  itemCode!: string;

  @ValidateNested()
  @Type(() => ApplicantDto)
  @IsObject()
  applicant!: ApplicantDto;

  @IsIn(CHANNELS)
  channel!: ChannelName;

  @IsFormData()
  formData!: Record<string, unknown>;
}

/** Most cases one bulk filing may carry: 500 typical cases stay far under the 1 MiB body limit. */
export const MAX_CASES_PER_BATCH = 500;

export class FileCaseBatchDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_CASES_PER_BATCH)
  @ValidateNested({ each: true })
  @Type(() => FileCaseDto)
  cases!: FileCaseDto[];
}
