using System.Net;
using CxContact.Server.Tests.Campaigns;
using CxContact.Server.Tests.Infrastructure;

namespace CxContact.Server.Tests.Messaging;

/// <summary>Templates are checked when saved, each problem naming its field; a preview renders one for a contact.</summary>
public sealed class MessageTemplatesApiTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task A_template_is_checked_when_saved_and_renders_a_contacts_fields()
    {
        var c = await CampaignClient.NewTenantAsync(api);
        var list = await c.ListAsync(0, "client_id,first_name,phone1,email1,balance\nA,Ann,+12125550101,ann@example.com,42.50\n");

        var sms = await HttpAssert.Json(await c.Http.PostJson("/api/v1/message-templates", new
        {
            name = "Balance", channel = "sms", purpose = "debt-collection",
            body = "{% if first_name %}Hi {{ first_name | upcase }}{% endif %}, you owe ${{ custom.balance }}. Call us.",
        }), HttpStatusCode.Created);
        var segments = sms.GetProperty("segments");
        Assert.Equal(("gsm-7", 1), (segments.GetProperty("encoding").GetString(), segments.GetProperty("segments").GetInt32()));
        var id = sms.GetProperty("id").GetGuid();
        var contact = await c.ContactIdAsync(list, "A");
        var preview = await HttpAssert.Json(await c.Http.PostJson($"/api/v1/message-templates/{id}/preview", new { contactId = contact }), HttpStatusCode.OK);
        Assert.Equal(("Hi ANN, you owe $42.50. Call us.", "+12125550101"), (preview.GetProperty("body").GetString(), preview.GetProperty("to").GetString()));

        var email = await HttpAssert.Json(await c.Http.PostJson("/api/v1/message-templates", new
        {
            name = "Welcome", channel = "email", purpose = "informational", subject = "Welcome, {{ first_name }}",
            body = "Hello {{ first_name }}", html = "<p>Hello {{ first_name }} &amp; {{ custom.balance }}</p>",
        }), HttpStatusCode.Created);
        var rendered = await HttpAssert.Json(await c.Http.PostJson($"/api/v1/message-templates/{email.GetProperty("id").GetGuid()}/preview",
            new { contactId = contact }), HttpStatusCode.OK);
        Assert.Equal(("Welcome, Ann", "ann@example.com"), (rendered.GetProperty("subject").GetString(), rendered.GetProperty("to").GetString()));

        // Every problem is a 400 naming its field.
        async Task RefusedAsync(object body, string field, string words)
        {
            var problem = await HttpAssert.Problem(await c.Http.PostJson("/api/v1/message-templates", body), HttpStatusCode.BadRequest);
            var errors = problem.GetProperty("errors");
            Assert.True(errors.TryGetProperty(field, out var messages), $"{field} not named in {problem}");
            Assert.Contains(words, string.Join(" | ", messages.EnumerateArray().Select(m => m.GetString())));
        }
        await RefusedAsync(new { name = "X", channel = "sms", purpose = "informational", body = "Hi {{ frist_name }}" }, "body", "\"frist_name\"");
        await RefusedAsync(new { name = "X", channel = "sms", purpose = "informational", body = "" }, "body", "required");
        await RefusedAsync(new { name = "X", channel = "sms", purpose = "informational", body = new string('a', 1531) }, "body", "11 SMS segments");
        await RefusedAsync(new { name = "X", channel = "sms", purpose = "sales", body = "Big sale today!" }, "body", "opt out");
        await RefusedAsync(new { name = "X", channel = "email", purpose = "sales", body = "Hi" }, "subject", "required");
        await RefusedAsync(new { name = "X", channel = "email", purpose = "sales", subject = "S", body = "Hi {% if %}" }, "body", "Liquid");
        await RefusedAsync(new { name = "X", channel = "fax", purpose = "sales", body = "Hi" }, "channel", "fax");
        await RefusedAsync(new { name = "X", channel = "sms", purpose = "sales", subject = "S", body = "Reply STOP" }, "subject", "no subject");
        await HttpAssert.Problem(await c.Http.PostJson("/api/v1/message-templates", new { name = "Balance", channel = "sms", purpose = "informational", body = "Hi" }),
            HttpStatusCode.Conflict);
        await HttpAssert.Problem(await c.Http.PostJson($"/api/v1/message-templates/{Guid.NewGuid()}/preview", new { contactId = contact }), HttpStatusCode.NotFound);

        // A campaign names a template of its own channel and a gateway of the matching kind.
        var problemCampaign = await HttpAssert.Problem(await c.Http.PostJson("/api/v1/campaigns", new
        {
            name = "Wrong", contactLists = new[] { new { id = list, weight = 1 } }, channel = "sms", templateId = email.GetProperty("id").GetGuid(),
            gatewayId = Guid.NewGuid(),
        }), HttpStatusCode.BadRequest);
        Assert.Contains("email template", problemCampaign.GetProperty("errors").GetProperty("templateId").ToString());
        Assert.Contains("no messaging gateway", problemCampaign.GetProperty("errors").GetProperty("gatewayId").ToString());

        // A custom field the template reads must be a column of every list with records: else it goes out blank.
        var noBalance = await c.ListAsync(1, "client_id,first_name,phone1,region\nB,Bo,+12125550102,NY\n");
        var empty = await c.Lists.CreateListAsync();
        async Task<System.Text.Json.JsonElement> CampaignErrorsAsync(params Guid[] lists) =>
            (await HttpAssert.Problem(await c.Http.PostJson("/api/v1/campaigns", new
            {
                name = "Balance texts", contactLists = lists.Select(l => new { id = l, weight = 1 }), channel = "sms", templateId = id, gatewayId = Guid.NewGuid(),
            }), HttpStatusCode.BadRequest)).GetProperty("errors");
        var lacking = await CampaignErrorsAsync(list, noBalance, empty);
        var templateError = Assert.Single(lacking.GetProperty("templateId").EnumerateArray()).GetString();
        Assert.Contains("custom.balance", templateError);
        Assert.False((await CampaignErrorsAsync(list, empty)).TryGetProperty("templateId", out _), "a list with the column, or with no records yet, is fine");

        // Templates read back the same after a restart.
        var keys = c.Keys;
        await api.RestartAsync();
        var again = await HttpAssert.Json(await api.Client(keys.Admin).GetAsync($"/api/v1/message-templates/{id}"), HttpStatusCode.OK);
        Assert.Equal(sms.ToString(), again.ToString());
    }
}
