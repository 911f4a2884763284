/** kubectl argv bound to one cluster, so no command ever falls back to the user's default kubeconfig by accident. */
export function kubectlArgv(kubeconfig: string, context: string | undefined, ...args: string[]): string[] {
  return ['kubectl', '--kubeconfig', kubeconfig, ...(context ? ['--context', context] : []), ...args];
}
