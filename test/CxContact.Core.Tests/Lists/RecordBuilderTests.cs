using System.Text.Json;
using CxContact.Core.Lists;
using CxContact.Core.Phones;

namespace CxContact.Core.Tests.Lists;

public sealed class RecordBuilderTests
{
    private static readonly PhoneNormalizer Phones = new();

    private static (ContactRecord? Record, List<RowError> Errors) Build(string[] header, string?[] cells, ImportSpec? spec = null, string country = "US", string? zone = "America/New_York")
    {
        spec ??= new ImportSpec();
        var plan = ImportPlan.Build(spec, header, header.Length);
        var errors = new List<RowError>();
        return (new RecordBuilder(plan, spec, country, zone, Phones).Build(2, cells, errors), errors);
    }

    [Fact]
    public void Zone_precedence_is_tz_then_postal_code_then_phone_then_default()
    {
        string Zone(string[] header, string?[] cells) => Build(header, cells).Record!.Devices[0].Zones[0];
        Assert.Equal("America/Chicago", Zone(["phone1", "postal_code", "tz"], ["4155550100", "10001", "America/Chicago"]));
        Assert.Equal("America/New_York", Zone(["phone1", "postal_code"], ["4155550100", "10001"]));
        Assert.Equal("America/Los_Angeles", Zone(["phone1"], ["4155550100"]));
        // Toll-free numbers say nothing about where the contact is: the list default applies.
        Assert.Equal("America/New_York", Zone(["phone1"], ["8005550100"]));
    }

    [Fact]
    public void The_address_region_comes_from_the_row_or_its_postal_code_and_each_number_keeps_its_own()
    {
        var withPostal = Build(["phone1", "postal_code"], ["4155550100", "10001"]).Record!;
        Assert.Equal(("NY", "US"), (withPostal.Region, withPostal.Country));
        Assert.Equal("TX", Build(["phone1", "region"], ["4155550100", "tx"]).Record!.Region);
        // No address: the record has none, and each number is placed by its own area code, not by the first number's.
        var phonesOnly = Build(["phone1", "phone2"], ["4155550100", "3055550100"]).Record!;
        Assert.Null(phonesOnly.Region);
        Assert.Equal([("CA", "US", (int?)415), ("FL", "US", 305)], phonesOnly.Devices.Select(d => (d.Region, d.Country, d.AreaCode)));
    }

    [Theory]
    [InlineData("+17875550100", "PR", 787, "America/Puerto_Rico")]
    [InlineData("+18765550100", "JM", 876, "America/Jamaica")]
    [InlineData("+18673935555", "CA", 867, null)]
    [InlineData("+442079460000", "GB", null, "Europe/London")]
    public void Each_device_stores_the_country_and_area_code_of_its_number(string phone, string country, int? areaCode, string? zone)
    {
        var d = Build(["phone1"], [phone]).Record!.Devices.Single();
        Assert.Equal((country, areaCode), (d.Country, d.AreaCode));
        if (zone is not null) Assert.Equal([zone], d.Zones);
        if (areaCode == 867) Assert.Contains(d.Region, new[] { "YT", "NT", "NU" });
    }

    [Fact]
    public void Every_problem_in_a_row_is_reported_with_its_column()
    {
        var spec = new ImportSpec
        {
            Columns = [
                new ColumnMapping { Source = JsonSerializer.SerializeToElement("id"), Field = "client_id" },
                new ColumnMapping { Source = JsonSerializer.SerializeToElement("mail"), Field = "email1" },
                new ColumnMapping { Source = JsonSerializer.SerializeToElement("ph"), Field = "phone1" },
                new ColumnMapping { Source = JsonSerializer.SerializeToElement("c"), Field = "country" },
                new ColumnMapping { Source = JsonSerializer.SerializeToElement("n"), Field = "custom", Name = "n", Type = "number" }],
            Required = ["client_id"],
        };
        var (record, errors) = Build(["id", "mail", "ph", "c", "n"], ["", "not-an-email", "12", "ZZ", "ten"], spec);
        Assert.Null(record);
        Assert.Equal(["c", "client_id", "mail", "n", "ph"], errors.Select(e => e.Column).Order().ToArray());
        Assert.All(errors, e => Assert.Equal(2, e.Row));
    }

    [Fact]
    public void The_same_number_twice_is_one_device()
    {
        var (record, _) = Build(["phone1", "phone2"], ["(415) 555-0100", "+1 415 555 0100"]);
        Assert.Single(record!.Devices);
    }
}
