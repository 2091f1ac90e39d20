import { describe, expect, test } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { mapUser, parseFieldMap, valueAt } from '../../src/sync/mapping.js';
import { JOB_SCOPES, missingScopes, requireScopes } from '../../src/auth0/scopes.js';

describe('mapUser: an Auth0 user as an Okta profile', () => {
  test('login and email from the email, names from user_metadata first', () => {
    expect(
      mapUser({
        email: 'Ada@Example.com',
        given_name: 'A',
        family_name: 'L',
        user_metadata: { firstName: 'Ada', lastName: 'Lovelace' },
      }),
    ).toEqual({
      ok: true,
      profile: { login: 'Ada@Example.com', email: 'Ada@Example.com', firstName: 'Ada', lastName: 'Lovelace' },
    });
  });

  test('falls back to given_name / family_name, then to the name split in two', () => {
    expect(mapUser({ email: 'a@x.io', given_name: 'Alan', family_name: 'Turing', user_metadata: {} })).toMatchObject({
      ok: true,
      profile: { firstName: 'Alan', lastName: 'Turing' },
    });
    expect(mapUser({ email: 'a@x.io', name: 'Grace Brewster Hopper' })).toMatchObject({
      ok: true,
      profile: { firstName: 'Grace', lastName: 'Brewster Hopper' },
    });
    // Only one part known from metadata: the other comes from the next source.
    expect(mapUser({ email: 'a@x.io', user_metadata: { firstName: 'Barbara' }, family_name: 'Liskov' })).toMatchObject({
      ok: true,
      profile: { firstName: 'Barbara', lastName: 'Liskov' },
    });
  });

  test('never invents an email or a name', () => {
    expect(mapUser({ name: 'No Email' })).toEqual({ ok: false, reason: 'no email' });
    expect(mapUser({ email: '' })).toEqual({ ok: false, reason: 'no email' });
    expect(mapUser({ email: 'not-an-address' })).toEqual({ ok: false, reason: 'email is not a valid address' });
    expect(mapUser({ email: 42 })).toEqual({ ok: false, reason: 'email is not a valid address' });
    // Auth0 fills name with the email for database users: not a person's name.
    expect(mapUser({ email: 'a@x.io', name: 'a@x.io' })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('no first name'),
    });
    expect(mapUser({ email: 'a@x.io', name: 'Cher' })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('no first name'),
    });
    expect(mapUser({ email: 'a@x.io', given_name: 'Cher' })).toMatchObject({
      ok: false,
      reason: expect.stringContaining('no last name'),
    });
  });

  test('metadata of the wrong type skips the user with the reason', () => {
    expect(mapUser({ email: 'a@x.io', user_metadata: { firstName: 42, lastName: 'N' } })).toEqual({
      ok: false,
      reason: 'user_metadata.firstName is a number, not a string',
    });
    expect(mapUser({ email: 'a@x.io', user_metadata: { firstName: 'A', lastName: { x: 1 } } })).toEqual({
      ok: false,
      reason: 'user_metadata.lastName is an object, not a string',
    });
    expect(mapUser({ email: 'a@x.io', given_name: ['A'], family_name: 'B' })).toEqual({
      ok: false,
      reason: 'given_name is a list, not a string',
    });
  });

  test('--map copies other attributes; objects cannot be copied; absent values are left out', () => {
    const user = {
      email: 'a@x.io',
      user_metadata: {
        firstName: 'A',
        lastName: 'B',
        department: 'R&D',
        level: 3,
        tags: ['x', 'y'],
        address: { city: 'Paris' },
      },
      app_metadata: { costCenter: 'CC-1' },
    };
    const maps = [
      'department=user_metadata.department',
      'okta.level=auth0.user_metadata.level',
      'tags=user_metadata.tags',
      'costCenter=app_metadata.costCenter',
      'missing=user_metadata.nope',
    ].map(parseFieldMap);
    expect(mapUser(user, maps)).toEqual({
      ok: true,
      profile: {
        login: 'a@x.io',
        email: 'a@x.io',
        firstName: 'A',
        lastName: 'B',
        department: 'R&D',
        level: 3,
        tags: ['x', 'y'],
        costCenter: 'CC-1',
      },
    });
    expect(mapUser(user, [parseFieldMap('city=user_metadata.address')])).toEqual({
      ok: false,
      reason: 'user_metadata.address is an object, which city cannot hold',
    });
    // firstName / lastName can be mapped elsewhere.
    expect(
      mapUser({ email: 'a@x.io', app_metadata: { gn: 'G', sn: 'S' } }, [
        parseFieldMap('firstName=app_metadata.gn'),
        parseFieldMap('lastName=app_metadata.sn'),
      ]),
    ).toMatchObject({
      ok: true,
      profile: { firstName: 'G', lastName: 'S' },
    });
  });

  test('parseFieldMap refuses what it cannot use', () => {
    for (const bad of ['department', '=x', 'x=', 'login=user_metadata.x', 'email=x', 'bad name=x', 'x=user metadata']) {
      expect(() => parseFieldMap(bad), bad).toThrow(UsageError);
    }
    expect(parseFieldMap('profile.department=auth0.user_metadata.dept')).toEqual({
      okta: 'department',
      auth0: 'user_metadata.dept',
    });
  });

  test('valueAt follows dotted paths through objects only', () => {
    expect(valueAt({ a: { b: { c: 1 } } }, 'a.b.c')).toBe(1);
    expect(valueAt({ a: [{ b: 1 }] }, 'a.0.b')).toBeUndefined();
    expect(valueAt({ a: null }, 'a.b')).toBeUndefined();
  });
});

describe('management scopes per job', () => {
  test('says which job lacks which scope', () => {
    expect(missingScopes([...JOB_SCOPES['sync auth0-role'], ...JOB_SCOPES['auth0 init / destroy']])).toEqual({});
    expect(missingScopes(['read:users', 'read:roles'])).toEqual({
      'auth0 init / destroy': [...JOB_SCOPES['auth0 init / destroy']],
      'sync auth0-role': ['read:role_members'],
    });
    expect(() => requireScopes('sync auth0-role', ['read:users'])).toThrow(
      /lacks read:roles, read:role_members, which "sync auth0-role" needs/,
    );
    expect(() => requireScopes('sync auth0-role', [...JOB_SCOPES['sync auth0-role']])).not.toThrow();
  });
});
