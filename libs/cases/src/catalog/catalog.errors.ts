import { DomainError } from '@fed/platform';

export enum CatalogErrorCode {
  UnknownItem = 'CATALOG_UNKNOWN_ITEM',
  ItemWithdrawn = 'CATALOG_ITEM_WITHDRAWN',
  NotPublisher = 'CATALOG_NOT_PUBLISHER',
  Invalid = 'CATALOG_INVALID_ITEM',
}

export class CatalogError extends DomainError {
  static unknown(code: string): CatalogError {
    return new CatalogError(
      'not_found',
      CatalogErrorCode.UnknownItem,
      `service item ${code} is not in the catalog here`,
      {
        itemCode: code,
      },
    );
  }

  /** Filing against an item that does not exist or is withdrawn: the body is well-formed, its content is not. */
  static notFileable(code: string, withdrawn: boolean): CatalogError {
    return withdrawn
      ? new CatalogError(
          'unprocessable',
          CatalogErrorCode.ItemWithdrawn,
          `service item ${code} is withdrawn`,
          {
            itemCode: code,
          },
        )
      : new CatalogError(
          'unprocessable',
          CatalogErrorCode.UnknownItem,
          `service item ${code} is not in the catalog`,
          {
            itemCode: code,
          },
        );
  }

  static notPublisher(node: string, why: string): CatalogError {
    return new CatalogError(
      'forbidden',
      CatalogErrorCode.NotPublisher,
      `node ${node} cannot publish this item: ${why}`,
    );
  }

  static invalid(message: string): CatalogError {
    return new CatalogError('unprocessable', CatalogErrorCode.Invalid, message);
  }
}
