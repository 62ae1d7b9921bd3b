import deptSeed from "./seed/sys_dept.json";
import dictDataSeed from "./seed/sys_dict_data.json";
import dictTypeSeed from "./seed/sys_dict_type.json";
import menuSeed from "./seed/sys_menu.json";
import paramSeed from "./seed/sys_param.json";
import roleSeed from "./seed/sys_role.json";
import tenantSeed from "./seed/sys_tenant.json";
import userSeed from "./seed/sys_user.json";
import userRoleSeed from "./seed/sys_user_roles.json";

/**
 * FastapiAdmin v3.0's initial data (contract §13, modules §11.1), as the original ships it:
 * menus and departments as trees, users with the bcrypt hash of "123456". Loaded into empty
 * tables by src/core/db/seed.ts.
 */
export const seedRows = {
  sys_tenant: tenantSeed,
  sys_menu: menuSeed,
  sys_param: paramSeed,
  sys_dept: deptSeed,
  sys_role: roleSeed,
  sys_dict_type: dictTypeSeed,
  sys_dict_data: dictDataSeed,
  sys_user: userSeed,
  sys_user_roles: userRoleSeed,
};
