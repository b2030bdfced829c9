import { BadRequestException, Body, Controller, Get, HttpCode, NotFoundException, Param, Post } from '@nestjs/common';
import { BackendClient } from './backend.client.js';

interface CreateOrderRequest {
  orderId?: unknown;
  productId?: unknown;
  quantity?: unknown;
}

interface StoredOrder {
  id: string;
  productId: string;
  quantity: number;
  status: string;
}

interface Reservation {
  orderId: string;
  productId: string;
  quantity: number;
}

@Controller('orders')
export class OrdersController {
  constructor(private readonly backends: BackendClient) {}

  /** Places an order: checks the product, then records the order and reserves the stock at the same time. */
  @Post()
  @HttpCode(201)
  async create(@Body() body: CreateOrderRequest) {
    const { orderId, productId, quantity } = body ?? {};
    if (typeof orderId !== 'string' || orderId === '') throw new BadRequestException('orderId is required');
    if (typeof productId !== 'string' || productId === '') throw new BadRequestException('productId is required');
    if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1) {
      throw new BadRequestException('quantity must be a positive integer');
    }

    await this.backends.get('catalog', `/products/${encodeURIComponent(productId)}`);

    const [order, reservation] = await Promise.all([
      this.backends.post<StoredOrder>('orders', '/orders', { id: orderId, productId, quantity }),
      this.backends.post<Reservation>('inventory', '/reservations', { orderId, productId, quantity }),
    ]);

    return { orderId: order.id, productId, quantity, status: order.status, reserved: reservation.quantity };
  }

  @Get(':id')
  async details(@Param('id') id: string) {
    const [order, reservation] = await Promise.all([
      this.backends.find<StoredOrder>('orders', `/orders/${encodeURIComponent(id)}`),
      this.backends.find<Reservation>('inventory', `/reservations/${encodeURIComponent(id)}`),
    ]);
    if (!order && !reservation) throw new NotFoundException(`no order ${id}`);
    return { orderId: id, order, reservation };
  }
}
