import { NODE_LAYOUT } from './node-layout.ts';

/** A single-node pod network from Debian's containernetworking-plugins: a bridge with host-local addresses.
 *  Pods talk only to each other and to the node address (registries, KBS double): no masquerade and no default
 *  route, so nothing a pod sends is forwarded to an address the harness did not create. */
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
            routes: [{ dst: `${NODE_LAYOUT.nodeAddress}/32` }],
          },
        },
        { type: 'portmap', capabilities: { portMappings: true } },
      ],
    },
    null,
    2,
  );
}
