import type { Resolvers } from '../generated/resolvers-types.ts';
import { addGuardian, confirmGuardian, removeGuardian, setGuardianApprovesPayments } from './guardians.ts';
import { confirmVerification } from './confirm-verification.ts';
import { DateTimeScalar, JSONScalar } from '@anshim/platform';
import { decideIdCardCheck, IdCardCheck, myIdCardCheck, pendingIdCardChecks } from './id-card.ts';
import { completeOidcSignIn, oidcProviders, startOidcLink } from './oidc.ts';
import { login } from './login.ts';
import { logout } from './logout.ts';
import { me } from './me.ts';
import { refreshToken } from './refresh-token.ts';
import { register } from './register.ts';
import { requestVerification } from './request-verification.ts';
import { setUserStatus } from './set-user-status.ts';
import { updateProfile } from './update-profile.ts';
import { searchUsers, user } from './user.ts';
import { changePassword, completeSignIn, requestPasswordReset, resetPassword, revokeSession, setTwoFactor, signIn } from './accounts.ts';
import { User } from './user-type.ts';
import { AccountStatusChange, statusHistory } from './status-history.ts';
import { deleteAccount } from './delete-account.ts';
import { completeOidcSignUp, unlinkOidcIdentity } from './oidc-sign-up.ts';
import { createProfilePhotoUpload, setProfilePhoto } from './profile-photo.ts';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  JSON: JSONScalar,
  Query: { me, user, searchUsers, myIdCardCheck, pendingIdCardChecks, oidcProviders },
  Mutation: {
    register,
    login,
    refreshToken,
    logout,
    updateProfile,
    requestVerification,
    confirmVerification,
    setUserStatus,
    addGuardian,
    confirmGuardian,
    removeGuardian,
    setGuardianApprovesPayments,
    decideIdCardCheck,
    startOidcLink,
    completeOidcSignIn,
    signIn,
    completeSignIn,
    requestPasswordReset,
    resetPassword,
    changePassword,
    setTwoFactor,
    revokeSession,
    // issue 20: sign-up with a provider, profile photo, leaving
    completeOidcSignUp,
    unlinkOidcIdentity,
    createProfilePhotoUpload,
    setProfilePhoto,
    deleteAccount,
  },
  User: { ...User, statusHistory, photoUrl: (user, _args, ctx) => ctx.services.photos.url(user) },
  AccountStatusChange,
  IdCardCheck,
};
