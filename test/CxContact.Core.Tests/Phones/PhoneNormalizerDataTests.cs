using CxContact.Core.Phones;

namespace CxContact.Core.Tests.Phones;

/// <summary>Device types, regions and time zones as libphonenumber 9.0.43's data gives them.</summary>
public sealed class PhoneNormalizerDataTests
{
    // Every +1 toll-free or personal number gets the zones of the whole calling code: "somewhere in NANP".
    private const int WholeNanpZoneCount = 42;

    private readonly PhoneNormalizer _normalizer = new();

    private PhoneInfo Phone(string raw, string defaultCountry = "US", DeviceType hint = DeviceType.Unknown)
    {
        var result = _normalizer.Normalize(raw, defaultCountry, hint);
        Assert.True(result.Ok, $"{raw}: {result.Error}");
        return result.Phone;
    }

    [Theory]
    [InlineData("800 555 1234", 800)]
    [InlineData("888 555 1234", 888)]
    [InlineData("1 (877) 234-5678", 877)]
    public void NANP_toll_free_numbers_are_toll_free_and_have_no_place(string raw, int areaCode)
    {
        var phone = Phone(raw, hint: DeviceType.Mobile); // a definite type from the numbering plan beats the hint

        Assert.Equal(DeviceType.TollFree, phone.DeviceType);
        Assert.Equal("US", phone.Country);
        Assert.Null(phone.Region);
        Assert.Equal(areaCode, phone.AreaCode);
        Assert.Equal(WholeNanpZoneCount, phone.TimeZones.Count);
    }

    [Fact]
    public void A_UK_mobile_is_a_mobile_in_the_UK()
    {
        var phone = Phone("07400 123456", "GB");

        Assert.Equal("+447400123456", phone.E164);
        Assert.Equal(DeviceType.Mobile, phone.DeviceType);
        Assert.Equal("GB", phone.Country);
        Assert.Null(phone.Region);
        Assert.Null(phone.AreaCode);
        // UK mobiles are not geographic: the mapper gives every zone of +44, which includes the Crown Dependencies.
        Assert.Equal(["Europe/Guernsey", "Europe/Isle_of_Man", "Europe/Jersey", "Europe/London"], phone.TimeZones);
    }

    [Theory]
    [InlineData("850 234 5678", "America/Chicago")] // the Florida panhandle west of the Apalachicola
    [InlineData("850 222 5678", "America/New_York")] // Tallahassee
    [InlineData("208 234 5678", "America/Denver")]
    [InlineData("208 215 1234", "America/Los_Angeles")]
    [InlineData("208 320 5678", "America/Boise", "America/Los_Angeles")]
    [InlineData("605 234 5678", "America/Chicago")]
    [InlineData("605 222 1234", "America/Denver", "America/North_Dakota/Center")]
    [InlineData("701 234 5678", "America/Chicago")]
    [InlineData("701 201 1234", "America/Denver", "America/North_Dakota/Center")]
    [InlineData("775 234 5678", "America/Boise", "America/Los_Angeles")]
    [InlineData("775 331 1234", "America/Los_Angeles")]
    [InlineData("928 283 1234", "America/Denver", "America/Phoenix")] // Navajo Nation keeps daylight saving time
    [InlineData("928 774 1234", "America/Phoenix")]
    [InlineData("907 201 1234", "America/Adak", "America/Anchorage")]
    [InlineData("709 234 5678", "America/Halifax", "America/St_Johns")]
    public void Split_area_codes_resolve_per_exchange_and_keep_every_candidate(string raw, params string[] zones)
    {
        Assert.Equal(zones, Phone(raw).TimeZones);
    }

    [Theory]
    [InlineData("415 555 2671", "US", "CA")]
    [InlineData("212 555 1234", "US", "NY")]
    [InlineData("416 555 1234", "CA", "ON")]
    [InlineData("(416) 979-5000", "CA", "ON")]
    [InlineData("514 555 0199", "CA", "QC")]
    [InlineData("604 234 5678", "CA", "BC")] // the geocoder spells it "British Colombia" for some exchanges
    [InlineData("202 234 5678", "US", "DC")]
    [InlineData("206 234 5678", "US", "WA")]
    [InlineData("850 234 5678", "US", "FL")]
    [InlineData("867 536 1234", "CA", "YT")] // "Watson Lake"
    [InlineData("787 234 5678", "PR", "PR")]
    [InlineData("+1 671 472 1234", "GU", "GU")]
    [InlineData("+1 340 774 1234", "VI", "VI")]
    public void Region_is_the_state_or_province_of_the_area(string raw, string country, string region)
    {
        var phone = Phone(raw);

        Assert.Equal(country, phone.Country);
        Assert.Equal(region, phone.Region);
    }

    [Theory]
    [InlineData("902 234 5678", "CA")] // "Nova Scotia/Prince Edward Island"
    [InlineData("867 234 5678", "CA")] // "Northwest Territories/Nunavut/Yukon"
    [InlineData("+1 876 234 5678", "JM")]
    [InlineData("+44 20 7946 0000", "GB")]
    public void Region_is_null_when_the_area_names_no_single_state_or_province(string raw, string country)
    {
        var phone = Phone(raw);

        Assert.Equal(country, phone.Country);
        Assert.Null(phone.Region);
    }

    [Fact]
    public void Caribbean_mobiles_get_their_island_zone_rather_than_all_of_NANP()
    {
        var phone = Phone("+1 876 234 5678");

        Assert.Equal(new PhoneInfo("+18762345678", DeviceType.Mobile, "JM", null, ["America/Jamaica"], 876), phone);
        Assert.Equal(["Atlantic/Bermuda"], Phone("+1 441 234 5678").TimeZones);
    }

    [Theory]
    [InlineData(DeviceType.Unknown, DeviceType.Unknown)]
    [InlineData(DeviceType.Mobile, DeviceType.Mobile)]
    [InlineData(DeviceType.Landline, DeviceType.Landline)]
    [InlineData(DeviceType.Voip, DeviceType.Voip)]
    public void The_hint_decides_where_NANP_cannot_tell_mobile_from_fixed(DeviceType hint, DeviceType expected)
    {
        Assert.Equal(expected, Phone("415 555 2671", hint: hint).DeviceType);
        Assert.Equal(expected, Phone("415/555/2671", hint: hint).DeviceType);
    }

    [Theory]
    [InlineData("020 7946 0000", "GB", DeviceType.Mobile, DeviceType.Landline)]
    [InlineData("07400 123456", "GB", DeviceType.Landline, DeviceType.Mobile)]
    [InlineData("+1 876 234 5678", "US", DeviceType.Landline, DeviceType.Mobile)]
    [InlineData("800 555 1234", "US", DeviceType.Landline, DeviceType.TollFree)]
    [InlineData("+1 600 234 5678", "US", DeviceType.Mobile, DeviceType.Voip)] // Canada's non-geographic VoIP range
    [InlineData("+1 500 234 5678", "US", DeviceType.Mobile, DeviceType.Unknown)] // personal number: a service, not a device
    [InlineData("0300 123 4567", "GB", DeviceType.Mobile, DeviceType.Unknown)] // UAN
    public void A_definite_type_from_the_numbering_plan_beats_the_hint(string raw, string defaultCountry, DeviceType hint, DeviceType expected)
    {
        Assert.Equal(expected, Phone(raw, defaultCountry, hint).DeviceType);
    }

    [Fact]
    public void Validity_that_depends_on_the_line_number_is_decided_per_number()
    {
        // Barbados 246-521 and Jamaica 876-606 are split inside the exchange in libphonenumber's metadata.
        Assert.Equal(DeviceType.Landline, Phone("+1 246 521 0000").DeviceType);
        Assert.Equal(DeviceType.Mobile, Phone("+1 246 521 1234").DeviceType);
        Assert.Equal(DeviceType.Landline, Phone("+1 876 606 0000").DeviceType);
        Assert.Equal("not a valid number for JM", _normalizer.Normalize("+1 876 606 1234", "US").Error);
    }

    [Fact]
    public void Every_zone_resolves_on_this_machine()
    {
        var numbers = Enumerable.Range(200, 800)
            .SelectMany(npa => new[] { $"+1{npa}2345678", $"+1{npa}5551234", $"+1{npa}7891234" })
            .Concat(["+44 20 7946 0000", "+44 7400 123456", "+61 4 1234 5678", "+52 55 1234 5678", "+7 495 123 4567", "+55 11 91234 5678", "+81 3 1234 5678", "+91 98765 43210"]);

        var zones = numbers
            .Select(n => _normalizer.Normalize(n, "US"))
            .Where(r => r.Ok)
            .SelectMany(r => r.Phone!.TimeZones)
            .Distinct()
            .ToList();

        Assert.True(zones.Count > 40, $"only {zones.Count} zones seen");
        Assert.All(zones, z => Assert.Equal(z, TimeZoneInfo.FindSystemTimeZoneById(z).Id));
    }

    [Fact]
    public void Unknown_zones_become_an_empty_list()
    {
        // The mapper's answer for a number it cannot place.
        Assert.Empty(TimeZoneLists.From(["Etc/Unknown"]));
        Assert.Equal(["Europe/London"], TimeZoneLists.From(["Etc/Unknown", "Europe/London", "Not/AZone"]));
    }
}
