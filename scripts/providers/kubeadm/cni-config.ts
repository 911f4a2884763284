import { NODE_LAYOUT } from './node-layout.ts';

/** A single-node pod network from Debian's containernetworking-plugins: a bridge with host-local addresses.
 *  No masquerade: pods talk only to this node (registry, KBS double), never to other addresses. */
export function renderBridgeConflist(): string {
  return JSON.stringify(
    {
      cniVersion: '1.0.0',
      name: 'coco-conformance',
      plugins: [
        {
          type: 'bridge',
          bridge: NODE_LAYOUT.bridge,
          isGateway: true,
          ipMasq: false,
          hairpinMode: true,
          ipam: {
            type: 'host-local',
            ranges: [[{ subnet: NODE_LAYOUT.nodePodRange }]],
            routes: [{ dst: '0.0.0.0/0' }],
          },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  );
}
