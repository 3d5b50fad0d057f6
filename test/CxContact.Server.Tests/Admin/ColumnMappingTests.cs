using Bunit;
using CxContact.Admin.Shared;
using MudBlazor.Services;

namespace CxContact.Server.Tests.Admin;

/// <summary>
/// The import wizard's mapping step as a component (bUnit): each column's choice changes the spec sent to the API, a
/// field fed by two columns or a nameless custom field is named on its row before anything is sent, and an error the
/// server names by spec path (spec.columns[i]) lands on the column it means.
/// </summary>
public sealed class ColumnMappingTests : IAsyncLifetime
{
    private readonly BunitContext _ctx = new();

    public ColumnMappingTests()
    {
        _ctx.Services.AddMudServices();
        _ctx.JSInterop.Mode = JSRuntimeMode.Loose;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _ctx.DisposeAsync();

    private static ImportDraft Draft()
    {
        var draft = new ImportDraft();
        draft.Columns.Add(new ImportDraft.Column { Number = 1, Header = "Account", Target = "client_id" });
        draft.Columns.Add(new ImportDraft.Column { Number = 2, Header = "Mobile", Target = "phone1" });
        draft.Columns.Add(new ImportDraft.Column { Number = 3, Header = "Balance Due", Target = ImportDraft.Ignore });
        return draft;
    }

    private static readonly IReadOnlyList<CxContact.Admin.Api.Models.ImportPreviewRow> Rows =
        [new() { Row = 2, Cells = ["A1", "+12125550101", "12.50"] }, new() { Row = 3, Cells = ["A2", "bad", "3"] }];

    [Fact]
    public void Choosing_custom_names_the_field_after_its_header_and_the_spec_maps_every_column()
    {
        var draft = Draft();
        var changes = 0;
        var cut = _ctx.Render<ColumnMapping>(p => p.Add(x => x.Draft, draft).Add(x => x.Rows, Rows).Add(x => x.MappingChanged, () => changes++));

        Assert.Contains("12.50 · 3", cut.Find("tr[data-column='3'] .cxc-sample").TextContent);
        cut.Find("#map-3").Change(ImportDraft.Custom);
        Assert.Equal(1, changes);
        Assert.Equal("balance_due", cut.Find("#map-3-name").GetAttribute("value"));
        cut.Find("#map-3-type").Change("number");
        cut.Find("#map-2-device").Change("mobile");

        var spec = System.Text.Json.JsonDocument.Parse(draft.SpecJson()).RootElement;
        var columns = spec.GetProperty("columns").EnumerateArray().ToList();
        Assert.Equal(("Account", "client_id"), (columns[0].GetProperty("source").GetString(), columns[0].GetProperty("field").GetString()));
        Assert.Equal(("phone1", "mobile"), (columns[1].GetProperty("field").GetString(), columns[1].GetProperty("deviceType").GetString()));
        Assert.Equal(("custom", "balance_due", "number"),
            (columns[2].GetProperty("field").GetString(), columns[2].GetProperty("name").GetString(), columns[2].GetProperty("type").GetString()));
    }

    [Fact]
    public void A_field_fed_twice_and_a_nameless_custom_field_are_named_on_their_rows()
    {
        var draft = Draft();
        draft.Columns[2].Target = "phone1";
        var cut = _ctx.Render<ColumnMapping>(p => p.Add(x => x.Draft, draft).Add(x => x.Problems, draft.Check()));

        var problem = cut.Find("tr[data-column='3'] [data-testid=column-problem]");
        Assert.Contains("phone1 is already fed by column 2 (Mobile)", problem.TextContent);
        Assert.Equal("true", cut.Find("#map-3").GetAttribute("aria-invalid"));
        Assert.Empty(cut.FindAll("tr[data-column='2'] [data-testid=column-problem]"));

        draft.Columns[2].Target = ImportDraft.Custom;
        Assert.Equal("a custom field needs a name", draft.Check()[3]);
    }

    [Fact]
    public void A_server_error_naming_a_spec_column_lands_on_that_column()
    {
        var draft = Draft();
        Assert.Same(draft.Columns[1], draft.ColumnOf("spec.columns[1].deviceType"));
        Assert.Null(draft.ColumnOf("spec.columns[7].field"));
        Assert.Null(draft.ColumnOf("spec.dedupe"));
        Assert.Equal(";", ImportDraft.GuessDelimiter("a;b;c,d"));
        Assert.Equal("tab", ImportDraft.GuessDelimiter("a\tb\tc"));
    }
}
