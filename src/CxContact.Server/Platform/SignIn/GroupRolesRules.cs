using CxContact.Core.Tenancy;
using CxContact.Server.Api;

namespace CxContact.Server.Platform.SignIn;

/// <summary>Checks a tenant's group-to-role mapping line by line, naming each field that is wrong (mappings[2].role).</summary>
public static class GroupRolesRules
{
    public const int MaxMappings = 200;
    public const int MaxGroupLength = 256;

    /// <summary>The mapping trimmed and checked; the system tenant hands out system-admin only, other tenants never.</summary>
    public static IReadOnlyList<GroupRole> Validate(IReadOnlyList<GroupRoleRequest?>? mappings, bool systemTenant, FieldErrors errors)
    {
        if (mappings is null)
        {
            errors.Add("mappings", "is required (a list of {group, role}; an empty list turns sign-in off for this tenant)");
            return [];
        }
        if (mappings.Count > MaxMappings) errors.Add("mappings", $"has {mappings.Count} lines; at most {MaxMappings} are allowed");
        var allowed = systemTenant ? [ApiKeyRoles.SystemAdmin] : ApiKeyRoles.TenantRoles;
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new List<GroupRole>();
        for (var i = 0; i < mappings.Count; i++)
        {
            var at = $"mappings[{i}]";
            if (mappings[i] is not { } m)
            {
                errors.Add(at, "is null; give {group, role}");
                continue;
            }
            var group = errors.Text(at + ".group", m.Group, MaxGroupLength);
            if (group.Length > 0 && !seen.TryAdd(group, i))
                errors.Add(at + ".group", $"\"{group}\" is mapped already at mappings[{seen[group]}]; a group maps to one role");
            if (string.IsNullOrWhiteSpace(m.Role)) errors.Add(at + ".role", $"is required: one of {string.Join(", ", allowed)}");
            else if (!allowed.Contains(m.Role))
                errors.Add(at + ".role", systemTenant
                    ? $"\"{m.Role}\" cannot be given in the system tenant; its people are system-admin"
                    : $"\"{m.Role}\" is not a role of a tenant; use one of {string.Join(", ", allowed)}");
            result.Add(new GroupRole(group, m.Role ?? ""));
        }
        return result;
    }
}
