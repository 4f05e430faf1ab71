// drivers/pci/ats.c (v5.13-rc6) as the endpoint's PRI capability: pci_enable_pri and
// pci_disable_pri with their WARN_ONs, recorded on the endpoint (`warnings`) instead of printed.
// Leaves out: the capability's config-space reads and writes (PRI_CTRL, the outstanding-request
// allocation), which nothing else in the model observes.
import type { Draft } from 'immer';
import type { Device, PciWarning } from './endpoint.ts';

function pciWarn(dev: Draft<Device>, w: PciWarning): void {
  if (!dev.warnings.includes(w)) {
    dev.warnings.push(w);
    dev.warnings.sort();
  }
}

/** pci_enable_pri: `if (WARN_ON(pdev->pri_enabled)) return -EBUSY;` (ats.c:213), then PRI on. */
export function pci_enable_pri(dev: Draft<Device>): 0 | '-EBUSY' {
  if (dev.pri !== 'off') {
    pciWarn(dev, 'pci_enable_pri-enabled');
    return '-EBUSY';
  }
  dev.pri = 'on';
  return 0;
}

/**
 * pci_disable_pri: `if (WARN_ON(!pdev->pri_enabled)) return;` (ats.c:251). A function whose PRI
 * stopped on a Response Failure still has it enabled.
 */
export function pci_disable_pri(dev: Draft<Device>): void {
  if (dev.pri === 'off') return pciWarn(dev, 'pci_disable_pri-disabled');
  dev.pri = 'off';
}
