import {
  ADMIN_ROLE,
  assertCanCreateBusiness,
  assertCanManage,
  assertCanReadCalendar,
  isStaffOf,
  requireStaff,
  type Caller,
  type StaffCaller,
} from '../../../shared/app/auth';
import { AppError } from '../../../shared/app/errors';

const staff = (oid: string, roles: string[] = []): StaffCaller => ({ kind: 'staff', oid, roles });
const anonymous: Caller = { kind: 'anonymous' };
const business = { managers: ['manager-1'] };
const provider = { staffObjectId: 'provider-1' };

function statusOf(fn: () => unknown): number | 'allowed' {
  try {
    fn();
    return 'allowed';
  } catch (error) {
    if (error instanceof AppError) return error.status;
    throw error;
  }
}

describe('authorization policy', () => {
  it('turns anonymous callers away with 401 before anything else', () => {
    expect(statusOf(() => requireStaff(anonymous))).toBe(401);
    expect(statusOf(() => requireStaff(staff('x')))).toBe('allowed');
  });

  it('lets only admins create businesses', () => {
    expect(statusOf(() => assertCanCreateBusiness(staff('manager-1')))).toBe(403);
    expect(statusOf(() => assertCanCreateBusiness(staff('x', [ADMIN_ROLE])))).toBe('allowed');
    expect(statusOf(() => assertCanCreateBusiness(staff('x', ['Scheduling.Reader'])))).toBe(403);
  });

  it('lets the business managers and admins configure it, nobody else', () => {
    expect(statusOf(() => assertCanManage(staff('manager-1'), business))).toBe('allowed');
    expect(statusOf(() => assertCanManage(staff('x', [ADMIN_ROLE]), business))).toBe('allowed');
    expect(statusOf(() => assertCanManage(staff('provider-1'), business))).toBe(403);
    expect(statusOf(() => assertCanManage(staff('manager-2'), business))).toBe(403);
  });

  it('lets a provider read their own calendar but not another provider', () => {
    expect(statusOf(() => assertCanReadCalendar(staff('provider-1'), business, provider))).toBe('allowed');
    expect(statusOf(() => assertCanReadCalendar(staff('provider-2'), business, provider))).toBe(403);
    expect(statusOf(() => assertCanReadCalendar(staff('manager-1'), business, provider))).toBe('allowed');
  });

  it('counts managers, admins and the business providers as its staff', () => {
    expect(isStaffOf(staff('provider-1'), business, [provider])).toBe(true);
    expect(isStaffOf(staff('manager-1'), business, [])).toBe(true);
    expect(isStaffOf(staff('x', [ADMIN_ROLE]), business, [])).toBe(true);
    expect(isStaffOf(staff('stranger'), business, [provider])).toBe(false);
    expect(isStaffOf(anonymous, business, [provider])).toBe(false);
  });

  it('never names who would have been allowed', () => {
    try {
      assertCanManage(staff('manager-2'), business);
    } catch (error) {
      expect(JSON.stringify({ ...(error as AppError), message: (error as Error).message })).not.toContain('manager-1');
    }
  });
});
