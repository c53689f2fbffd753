// Who the unprivileged half of a root run becomes: the user who ran sudo (SUDO_UID/SUDO_GID: the
// owner of the agent's traces and of the output folder), else `nobody`.
export interface Identity { uid: number; gid: number; name: string }

export const NOBODY: Identity = { uid: 65534, gid: 65534, name: 'nobody' };

export function dropTarget(env: NodeJS.ProcessEnv = process.env): Identity {
  const uid = Number(env.SUDO_UID), gid = Number(env.SUDO_GID);
  if (Number.isInteger(uid) && uid > 0 && Number.isInteger(gid)) return { uid, gid, name: env.SUDO_USER ?? String(uid) };
  return NOBODY;
}
