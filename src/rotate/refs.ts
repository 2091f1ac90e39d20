import type { SecretRef } from '../secrets/refs.js';

/**
 * The keychain entries beside a credential's main one during a rotation: `next` holds the new credential from
 * before it is sent to Okta until the rotation ends; `previous` keeps the old one after the switch, until the old
 * one is deleted on Okta. Neither is read from the environment: only the main entry is what consumers use.
 */
export function nextRef(main: SecretRef): SecretRef {
  return { account: `${main.account}#next`, envVar: undefined, label: `the new ${main.label.replace(/^the /, '')}` };
}

export function previousRef(main: SecretRef): SecretRef {
  return {
    account: `${main.account}#previous`,
    envVar: undefined,
    label: `the previous ${main.label.replace(/^the /, '')}`,
  };
}
