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
    public void Region_comes_from_the_postal_code_or_else_the_phone()
    {
        Assert.Equal("NY", Build(["phone1", "postal_code"], ["4155550100", "10001"]).Record!.Region);
        Assert.Equal("CA", Build(["phone1"], ["4155550100"]).Record!.Region);
        Assert.Equal("TX", Build(["phone1", "region"], ["4155550100", "tx"]).Record!.Region);
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
