using CxContact.Core.Tenancy;

namespace CxContact.Core.Tests.Tenancy;

public sealed class TenantSettingsRulesTests
{
    [Theory]
    [InlineData("US", "America/New_York")]
    [InlineData("GB", "Europe/London")]
    [InlineData("CA", "America/Toronto")]
    [InlineData("US", "UTC")]
    public void Valid_settings_have_no_errors(string country, string zone) =>
        Assert.Empty(TenantSettingsRules.Validate(country, zone));

    [Theory]
    [InlineData("us", "defaultCountry")]
    [InlineData("USA", "defaultCountry")]
    [InlineData("XX", "defaultCountry")]
    [InlineData("", "defaultCountry")]
    [InlineData(null, "defaultCountry")]
    public void Bad_countries_are_named(string? country, string field) =>
        Assert.True(TenantSettingsRules.Validate(country, "America/New_York").ContainsKey(field));

    [Theory]
    [InlineData("Eastern Standard Time")] // a Windows id: we store IANA only
    [InlineData("Mars/Olympus_Mons")]
    [InlineData("EST5EDT ")]
    [InlineData("")]
    public void Bad_time_zones_are_named(string zone) =>
        Assert.True(TenantSettingsRules.Validate("US", zone).ContainsKey("defaultTimeZone"));
}
