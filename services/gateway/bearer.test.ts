import { expect } from 'chai';
import { ApiError } from '../kit/api-error.js';
import { bearerToken } from './bearer.js';

describe('gateway: the bearer token of a request', () => {
  const refusal = (header: string | undefined) => {
    try {
      bearerToken(header);
    } catch (err) {
      expect(err).to.be.instanceOf(ApiError);
      const { error, message, code } = (err as ApiError).toJSON();
      return { error, message, code };
    }
    throw new Error(`accepted ${header}`);
  };

  it('takes the token of a Bearer header, the scheme in any case', () => {
    expect(bearerToken('Bearer abc.def.ghi-jk_l')).to.equal('abc.def.ghi-jk_l');
    expect(bearerToken('bearer abc.def.ghi-jk_l')).to.equal('abc.def.ghi-jk_l');
  });

  it('asks for a header only when none was sent', () => {
    expect(refusal(undefined)).to.deep.equal({
      error: 'unauthorized',
      message: 'send Authorization: Bearer <access token>',
      code: 401,
    });
    expect(refusal('')).to.have.property('error', 'unauthorized');
  });

  it('says a sent token is malformed, and another scheme is the wrong one', () => {
    for (const header of ['Bearer not a token', 'Bearer ', 'Bearer short', 'Bearer ey!J.x.y-long-enough'])
      expect(refusal(header), header).to.deep.include({ code: 401 });
    expect(refusal('Bearer ey!J.x.y-long-enough')).to.deep.equal({
      error: 'token_invalid',
      message: 'the bearer token is malformed (not a JWT)',
      code: 401,
    });
    expect(refusal('Basic dXNlcjpwYXNz')).to.deep.include({
      error: 'unauthorized',
      message: 'the Authorization header must be Bearer <access token>',
    });
  });
});
