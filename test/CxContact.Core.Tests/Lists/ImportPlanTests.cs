using System.Text.Json;
using CxContact.Core.Lists;

namespace CxContact.Core.Tests.Lists;

public sealed class ImportPlanTests
{
    private static ColumnMapping Map(object source, string? field = null, string? name = null, string? type = null, bool ignore = false) => new()
    {
        Source = JsonSerializer.SerializeToElement(source), Field = field, Name = name, Type = type, Ignore = ignore,
    };

    [Fact]
    public void Without_columns_standard_headers_map_themselves_and_others_become_custom_text()
    {
        var plan = ImportPlan.Build(new ImportSpec(), ["Client ID", "PHONE 1", "email-1", "Loyalty Tier", ""], 5);
        Assert.Equal(["client_id", "phone1", "email1", "custom"], plan.Targets.Select(t => t.Field).ToArray());
        Assert.Equal("loyalty_tier", plan.Targets[3].CustomName);
        Assert.Single(plan.Warnings);
    }

    [Fact]
    public void Mapping_by_name_ignores_case_and_reports_missing_or_ambiguous_headers()
    {
        var spec = new ImportSpec { Columns = [Map("Mobile", "phone1"), Map("notes", ignore: true)] };
        var plan = ImportPlan.Build(spec, ["id", "MOBILE", "Notes"], 3);
        Assert.Equal(1, Assert.Single(plan.Targets).Index);

        var missing = Assert.Throws<ImportPlanException>(() => ImportPlan.Build(spec, ["id", "phone"], 2));
        Assert.Equal("spec.columns[0].source", missing.Where);
        var twice = Assert.Throws<ImportPlanException>(() => ImportPlan.Build(spec, ["mobile", "Mobile", "notes"], 3));
        Assert.Contains("more than once", twice.Message);
    }

    [Fact]
    public void Column_numbers_must_exist()
    {
        var e = Assert.Throws<ImportPlanException>(() => ImportPlan.Build(new ImportSpec { Format = new FileFormat { HasHeader = false }, Columns = [Map(4, "client_id")] }, null, 3));
        Assert.Contains("3 columns", e.Message);
    }

    [Fact]
    public void The_validator_names_every_bad_part_of_a_spec()
    {
        var spec = new ImportSpec
        {
            Format = new FileFormat { Delimiter = "#", Encoding = "utf-16", Quote = "''" },
            Columns = [Map("a", "phone11"), Map("b", "custom", type: "money"), Map("c", "phone1"), Map("d", "phone1")],
            DefaultCountry = "XX", DefaultTimeZone = "Mars/Base", Dedupe = "email", RejectThresholdPercent = 120,
            Required = ["nope"],
        };
        var errors = ImportSpecValidator.Validate(spec);
        foreach (var path in new[] { "spec.format.delimiter", "spec.format.encoding", "spec.format.quote", "spec.columns[0].field",
                     "spec.columns[1].name", "spec.columns[1].type", "spec.columns[3].field", "spec.defaultCountry", "spec.defaultTimeZone",
                     "spec.dedupe", "spec.rejectThresholdPercent", "spec.required" })
            Assert.True(errors.ContainsKey(path), $"no error for {path}: {string.Join("; ", errors.Keys)}");
        Assert.Empty(ImportSpecValidator.Validate(new ImportSpec()));
    }
}
