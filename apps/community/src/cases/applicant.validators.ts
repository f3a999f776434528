import { registerDecorator, type ValidationOptions } from 'class-validator';

import { isMainlandMobile, isResidentIdNumber } from './applicant.rules';

export const RESIDENT_ID_NUMBER_MESSAGE =
  'idNumber must be an 18-character resident ID number with a valid check digit';

export const MAINLAND_MOBILE_MESSAGE = 'phone must be an 11-digit mainland mobile number';

/**
 * Validates an 18-character PRC resident identity number or foreigner's
 * permanent-residence ID card number (area code, or 9 and province and
 * nationality; real birth date not after today in Asia/Shanghai; MOD 11-2
 * check character).
 * Strict: normalize first with `normalizeResidentIdNumber` (e.g. `@Transform`).
 */
export function IsResidentIdNumber(validationOptions?: ValidationOptions) {
  return function (object: object, propertyName: string): void {
    registerDecorator({
      name: 'isResidentIdNumber',
      target: object.constructor,
      propertyName,
      options: validationOptions,
      validator: {
        validate(value: unknown): boolean {
          return typeof value === 'string' && isResidentIdNumber(value);
        },
        defaultMessage(): string {
          return RESIDENT_ID_NUMBER_MESSAGE;
        },
      },
    });
  };
}

/**
 * Validates an 11-digit mainland mobile number (1[3-9]xxxxxxxxx).
 * Strict: normalize first with `normalizeMobile` (e.g. `@Transform`).
 */
export function IsMainlandMobile(validationOptions?: ValidationOptions) {
  return function (object: object, propertyName: string): void {
    registerDecorator({
      name: 'isMainlandMobile',
      target: object.constructor,
      propertyName,
      options: validationOptions,
      validator: {
        validate(value: unknown): boolean {
          return typeof value === 'string' && isMainlandMobile(value);
        },
        defaultMessage(): string {
          return MAINLAND_MOBILE_MESSAGE;
        },
      },
    });
  };
}
