import type { FastifyInstance } from 'fastify';
import type { Context } from '../../services/context.ts';
import { listServices, moveService, orderServices } from '../../services/services.ts';
import { listServiceLists, moveServiceList, orderServiceLists } from '../../services/service-lists.ts';
import { Invalid } from '../../domain/errors.ts';
import { isMoveDirection } from '../../domain/ordering.ts';
import { orderPage } from '../../views/admin/order.ts';
import { formValues } from './form-input.ts';
import { chrome, redirectAfterPost, sendPage } from './respond.ts';

type SlugParams = { Params: { slug: string } };

function direction(values: Record<string, string>) {
  const value = values.direction;
  if (!isMoveDirection(value)) throw new Invalid('direction must be up, down, top or bottom', 'direction');
  return value;
}

function slugList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** The display order of lists and services (admins only: the default access). */
export async function orderRoutes(app: FastifyInstance, options: { ctx: Context }): Promise<void> {
  const { ctx } = options;

  app.get('/order', async (request, reply) => {
    const [lists, services] = await Promise.all([listServiceLists(ctx), listServices(ctx)]);
    return sendPage(reply, orderPage(chrome(request, reply), lists, services));
  });

  app.post<SlugParams>('/lists/:slug/move', async (request, reply) => {
    await moveServiceList(ctx, request.adminSession!.actor, request.params.slug, direction(formValues(request)));
    return redirectAfterPost(request, reply, `/admin/order#order-lists`, 'Order saved.');
  });

  app.post<SlugParams>('/services/:slug/move', async (request, reply) => {
    await moveService(ctx, request.adminSession!.actor, request.params.slug, direction(formValues(request)));
    return redirectAfterPost(request, reply, `/admin/order`, 'Order saved.');
  });

  // The page script's drag and drop: the whole new order of one level at once.
  app.post('/order', async (request, reply) => {
    const values = formValues(request);
    const order = slugList(values.order);
    if (values.kind === 'lists') await orderServiceLists(ctx, request.adminSession!.actor, order);
    else if (values.kind === 'services')
      await orderServices(ctx, request.adminSession!.actor, values.list ?? '', order);
    else throw new Invalid('kind must be lists or services', 'kind');
    return reply.code(204).send();
  });
}
