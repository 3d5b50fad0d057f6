using CxContact.Core.Tenancy;

namespace CxContact.Core.Tests.Tenancy;

public sealed class ApiKeySecretTests
{
    [Fact]
    public void Keys_are_prefixed_url_safe_and_unique()
    {
        var keys = Enumerable.Range(0, 1000).Select(_ => ApiKeySecret.Generate()).ToList();
        Assert.Equal(1000, keys.Distinct().Count());
        Assert.All(keys, k =>
        {
            Assert.StartsWith(ApiKeySecret.Prefix, k);
            Assert.Equal(47, k.Length); // prefix + 43 base64url characters for 32 random bytes
            Assert.Matches("^cxc_[A-Za-z0-9_-]+$", k);
        });
    }

    [Fact]
    public void The_hash_is_sha256_of_the_whole_key_and_the_hint_is_a_short_prefix()
    {
        var key = ApiKeySecret.Generate();
        Assert.Equal(32, ApiKeySecret.Hash(key).Length);
        Assert.Equal(ApiKeySecret.Hash(key), ApiKeySecret.Hash(key));
        Assert.NotEqual(ApiKeySecret.Hash(key), ApiKeySecret.Hash(key + "x"));
        Assert.Equal(key[..12], ApiKeySecret.Hint(key));
    }

    [Theory]
    [InlineData("admin", ApiKeyRole.Admin)]
    [InlineData("supervisor", ApiKeyRole.Supervisor)]
    [InlineData("viewer", ApiKeyRole.Viewer)]
    [InlineData("dialer", ApiKeyRole.Dialer)]
    [InlineData("system-admin", ApiKeyRole.SystemAdmin)]
    public void Roles_round_trip_through_their_wire_names(string wire, ApiKeyRole role)
    {
        Assert.True(ApiKeyRoles.TryParse(wire, out var parsed));
        Assert.Equal(role, parsed);
        Assert.Equal(wire, role.ToWire());
    }

    [Theory]
    [InlineData("Admin")]
    [InlineData("root")]
    [InlineData("")]
    [InlineData(null)]
    public void Unknown_roles_do_not_parse(string? wire) => Assert.False(ApiKeyRoles.TryParse(wire, out _));

    [Fact]
    public void Tenants_cannot_hand_out_system_admin() => Assert.DoesNotContain(ApiKeyRoles.SystemAdmin, ApiKeyRoles.TenantRoles);
}
