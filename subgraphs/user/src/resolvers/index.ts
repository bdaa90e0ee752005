import type { Resolvers } from '../generated/resolvers-types.ts';
import { addGuardian, confirmGuardian, removeGuardian } from './guardians.ts';
import { confirmVerification } from './confirm-verification.ts';
import { DateTimeScalar } from '@anshim/platform';
import { login } from './login.ts';
import { logout } from './logout.ts';
import { me } from './me.ts';
import { refreshToken } from './refresh-token.ts';
import { register } from './register.ts';
import { requestVerification } from './request-verification.ts';
import { setUserStatus } from './set-user-status.ts';
import { updateProfile } from './update-profile.ts';
import { user } from './user.ts';
import { User } from './user-type.ts';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query: { me, user },
  Mutation: { register, login, refreshToken, logout, updateProfile, requestVerification, confirmVerification, setUserStatus, addGuardian, confirmGuardian, removeGuardian },
  User,
};
