import { Controller, Get, Param } from '@nestjs/common';
import { BackendClient } from './backend.client.js';

interface CatalogProduct {
  id: string;
  name: string;
  price: number;
}

interface StockLevel {
  productId: string;
  available: number;
}

export interface ProductView {
  id: string;
  name: string;
  price: number;
  inStock: boolean;
}

@Controller('products')
export class ProductsController {
  constructor(private readonly backends: BackendClient) {}

  @Get(':id')
  async getProduct(@Param('id') id: string): Promise<ProductView> {
    const product = await this.backends.get<CatalogProduct>('catalog', `/products/${encodeURIComponent(id)}`);
    const stock = await this.backends.get<StockLevel>('inventory', `/stock/${encodeURIComponent(id)}`);
    return { id: product.id, name: product.name, price: product.price, inStock: stock.available > 0 };
  }
}
