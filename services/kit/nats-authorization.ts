import { natsServices, permissionsFor, type NatsService } from './nats-permissions.js';

/** A user's password in the rendered config: the text itself, or the nats-server environment variable holding it. */
export type PasswordSource = { value: string } | { env: string };

/** The environment variable a nats-server reads a service's password from. */
export const passwordEnvOf = (service: NatsService): string =>
  `METACHAT_NATS_${service.toUpperCase()}_PASSWORD`;

const envNamePattern = /^[A-Z_][A-Z0-9_]*$/;

/**
 * The `authorization` block of a nats-server config giving each MetaChat
 * service its own user with the permissions of `permissionsFor`. The user is
 * the service's name. Passwords given by variable keep the config free of
 * secrets: nats-server resolves `$NAME` from its environment at start.
 */
export function renderNatsAuthorization(
  password: (service: NatsService) => PasswordSource,
  services: readonly NatsService[] = natsServices,
): string {
  const users = services.map((service) => {
    const source = password(service);
    let pass: string;
    if ('env' in source) {
      if (!envNamePattern.test(source.env))
        throw new Error(`${source.env} is not an environment variable name`);
      pass = `$${source.env}`;
    } else pass = JSON.stringify(source.value);
    return `    {user: ${JSON.stringify(service)}, password: ${pass}, permissions: ${JSON.stringify(permissionsFor(service))}}`;
  });
  return [
    '# MetaChat services on NATS: one user each, allowed only the subjects it needs.',
    'authorization {',
    '  users: [',
    users.join(',\n'),
    '  ]',
    '}',
    '',
  ].join('\n');
}
