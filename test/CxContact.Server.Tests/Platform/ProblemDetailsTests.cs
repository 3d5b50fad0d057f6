using System.Net;
using CxContact.Server.Tests.Infrastructure;

namespace CxContact.Server.Tests.Platform;

/// <summary>Bad requests get problem details that say what and where; none of them is a 500.</summary>
public sealed class ProblemDetailsTests(ApiFactory api) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task An_unknown_route_is_a_404_problem()
    {
        await HttpAssert.Problem(await api.Admin().GetAsync("/api/v1/no-such-thing"), HttpStatusCode.NotFound);
        await HttpAssert.Problem(await api.Client().GetAsync("/api/v2/tenants"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_wrong_method_is_a_405_problem()
    {
        await HttpAssert.Problem(await api.Admin().DeleteAsync("/api/v1/me"), HttpStatusCode.MethodNotAllowed);
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem()
    {
        var problem = await HttpAssert.Problem(await api.Admin().PostRaw("/api/v1/tenants", """{"name": """), HttpStatusCode.BadRequest);
        Assert.Contains("line", problem.GetProperty("errors").EnumerateObject().First().Value[0].GetString());
    }

    [Fact]
    public async Task A_missing_body_is_a_400_problem()
    {
        await HttpAssert.FieldError(await api.Admin().PostRaw("/api/v1/tenants", ""), "body");
    }

    [Fact]
    public async Task A_missing_field_is_named()
    {
        await HttpAssert.FieldError(await api.Admin().PostRaw("/api/v1/tenants", "{}"), "name");
        await HttpAssert.FieldError(await api.Admin().PostRaw("/api/v1/tenants", """{"name":"   "}"""), "name");
    }

    [Fact]
    public async Task A_misspelt_field_is_named_not_ignored()
    {
        var problem = await HttpAssert.FieldError(await api.Admin().PostRaw("/api/v1/tenants", """{"nmae":"Acme"}"""), "nmae");
        Assert.DoesNotContain("CxContact", problem.ToString());
    }

    [Fact]
    public async Task A_field_of_the_wrong_type_is_named()
    {
        await HttpAssert.FieldError(await api.Admin().PostRaw("/api/v1/tenants", """{"name":42}"""), "name");
    }

    [Fact]
    public async Task A_non_uuid_tenant_id_is_a_400_not_a_500()
    {
        var response = await api.Admin().GetAsync("/api/v1/tenants/not-a-uuid");
        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest, $"got {(int)response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_name_that_is_too_long_is_named()
    {
        var problem = await HttpAssert.FieldError(await api.Admin().PostJson("/api/v1/tenants", new { name = new string('x', 201) }), "name");
        Assert.Contains("200", problem.GetProperty("errors").GetProperty("name")[0].GetString());
    }
}
