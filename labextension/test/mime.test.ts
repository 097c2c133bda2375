import extensions from '../src/mime';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';

function model(data: Record<string, unknown>): IRenderMime.IMimeModel {
  return { data, metadata: {}, trusted: true, setData: () => undefined } as unknown as IRenderMime.IMimeModel;
}

describe('rendermime extensions', () => {
  test('one extension per mailkit MIME type', () => {
    expect(extensions.map(e => e.rendererFactory.mimeTypes[0])).toEqual([
      'application/vnd.mailkit.dialogue+json',
      'application/vnd.mailkit.queue+json',
      'application/vnd.mailkit.message+json',
      'application/vnd.mailkit.trace+json',
      'application/vnd.mailkit.addrtest+json'
    ]);
    expect(new Set(extensions.map(e => e.id)).size).toBe(5);
    expect(extensions.every(e => e.rendererFactory.safe && e.dataType === 'json')).toBe(true);
  });

  test('the widget draws its payload', async () => {
    const queue = extensions[1];
    const r = queue.rendererFactory.createRenderer({} as IRenderMime.IRendererOptions);
    await r.renderModel(model({ [queue.rendererFactory.mimeTypes[0]]: { queue: '/var/spool/mqueue', total: 0, rows: [] } }));
    expect(r.node.classList.contains('mk-output')).toBe(true);
    expect(r.node.textContent).toContain('/var/spool/mqueue is empty');
  });

  test('a malformed payload shows why instead of breaking the cell', async () => {
    const trace = extensions[3];
    const r = trace.rendererFactory.createRenderer({} as IRenderMime.IRendererOptions);
    await r.renderModel(model({ [trace.rendererFactory.mimeTypes[0]]: { steps: 'none' } }));
    expect(r.node.querySelector('.mk-error')!.textContent).toBe(
      'mailkit: cannot show application/vnd.mailkit.trace+json: "steps" is not a list'
    );
  });
});
