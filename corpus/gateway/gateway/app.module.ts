import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { BearerTokenGuard } from './auth.guard.js';
import { BackendClient } from './backend.client.js';
import { HealthController } from './health.controller.js';
import { OrdersController } from './orders.controller.js';
import { ProductsController } from './products.controller.js';

@Module({
  controllers: [HealthController, ProductsController, OrdersController],
  providers: [BackendClient, { provide: APP_GUARD, useClass: BearerTokenGuard }],
})
export class AppModule {}
