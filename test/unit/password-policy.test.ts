import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { passwordProblem } from '../../src/checks/password-policy.js';

const jane = { login: 'jane.doe', displayName: 'Jane Doe', email: 'jdoe1984@example.com' };

/** The one rule behind every path that sets a password (its callers are tested with it in their own suites). */
describe('password policy', () => {
  it('accepts a long passphrase of uncommon words', async () => {
    assert.equal(await passwordProblem('correct horse battery staple', jane), undefined);
    assert.equal(await passwordProblem('violet-harbor-lantern', { login: 'demo', displayName: 'Demo Employee', email: 'demo@demo.example' }), undefined);
  });

  it('keeps the length bounds', async () => {
    assert.equal(await passwordProblem('Xq7#pL2!', jane), 'the password must be at least 10 characters long');
    assert.equal(await passwordProblem('x'.repeat(1025), jane), 'the password must be at most 1024 characters long');
  });

  it('refuses the login itself, and a password containing the login, the name or the email address', async () => {
    assert.equal(await passwordProblem('Jane.Doe', { ...jane, login: 'jane.doe.long' }), 'the password must be at least 10 characters long');
    assert.equal(await passwordProblem('JANE.DOE.2', { ...jane, login: 'jane.doe.2' }), 'the password must not be the login itself');
    assert.equal(await passwordProblem('my jane.doe river orbit', jane), 'the password must not contain the login');
    assert.equal(await passwordProblem('orbit river Anders lantern', { login: 'alice', displayName: 'Alice Anders' }), 'the password must not contain the name or a part of it');
    assert.equal(await passwordProblem('lantern jdoe1984 orbit', jane), 'the password must not contain the email address or a part of it');
    assert.equal(await passwordProblem('lantern jdoe1984@example.com', { login: 'x1', email: 'jdoe1984@example.com' }), 'the password must not contain the email address or a part of it');
  });

  it('does not look for parts shorter than 4 characters inside the password (they occur in ordinary words)', async () => {
    assert.equal(await passwordProblem('every seven custom lanterns', { login: 'eve', displayName: 'Tom Li' }), undefined);
  });

  it("refuses a score below 3 with the estimator's warning and suggestions as the reason", async () => {
    assert.equal(
      await passwordProblem('password1234', jane),
      'the password is too easy to guess. This is similar to a commonly used password. Add more words that are less common.',
    );
    assert.equal(
      await passwordProblem('aaaaaaaaaaaa', jane),
      'the password is too easy to guess. Repeated characters like "aaa" are easy to guess. Add more words that are less common. Avoid repeated words and characters.',
    );
  });

  it('gives the estimator the personal details: a password made of them scores low even without containing them', async () => {
    const owner = { login: 'qzv', displayName: 'Qarvuth Zelmondo', email: 'qz@example.com' };
    // the name spelled backwards: strong for a stranger (score 4), weak for someone who knows the user
    assert.equal(await passwordProblem('htuvraqodnomlez', { login: 'someone.else' }), undefined);
    assert.equal(
      await passwordProblem('htuvraqodnomlez', owner),
      'the password is too easy to guess. There should not be any personal or page related data. ' +
        'Add more words that are less common. Avoid reversed spellings of common words.',
    );
  });

  it('estimates a password of the maximum length by its first 64 characters', async () => {
    const long = `${'Zq8!vR2#mK5@wT9$'.repeat(64)}`; // 1024 characters
    assert.equal(await passwordProblem(long, jane), undefined);
  });
});
