using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CxContact.Server.Tests.Infrastructure;

namespace CxContact.Server.Tests.SignIn;

/// <summary>
/// People sign in with OpenID Connect against a real provider (oidc-provider, run locally), driven over HTTP: the groups
/// claim picks the tenant and the role through each tenant's own mapping; the session is a cookie a script cannot read,
/// sent only to this site, and every change it makes needs the antiforgery token; sign-ins are audited.
/// </summary>
public sealed class PersonSignInTests(SignInFixture fx) : IClassFixture<SignInFixture>
{
    [Fact]
    public async Task A_person_in_a_tenants_admin_group_is_that_tenants_admin_in_a_strict_httponly_secure_cookie_and_is_audited()
    {
        var (admins, viewers) = (SignInFixture.Group("admins"), SignInFixture.Group("viewers"));
        var tenant = await fx.TenantAsync((admins, "admin"), (viewers, "viewer"));
        using var browser = await fx.SignedInAsync($"alice:{admins},unrelated");

        var me = await fx.MeAsync(browser);
        Assert.Equal(tenant.Id, me.GetProperty("tenant").GetProperty("id").GetGuid());
        Assert.Equal("admin", me.GetProperty("key").GetProperty("role").GetString());
        Assert.Equal("alice@example.test", me.GetProperty("key").GetProperty("name").GetString());
        Assert.Equal($"alice:{admins},unrelated", me.GetProperty("person").GetProperty("subject").GetString());
        Assert.Equal("alice@example.test", me.GetProperty("person").GetProperty("email").GetString());

        var session = browser.SetCookies.Single(c => c.StartsWith("__Host-cxc-session="));
        var attributes = session.Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant()).ToList();
        Assert.Contains("httponly", attributes);
        Assert.Contains("secure", attributes);
        Assert.Contains("samesite=strict", attributes);
        Assert.Contains("path=/", attributes);
        Assert.DoesNotContain(attributes, a => a.StartsWith("domain="));

        var audit = await HttpAssert.Json(await tenant.Admin.GetAsync("/api/v1/audit-log?action=sign-in"), HttpStatusCode.OK);
        var entry = audit.EnumerateArray().Single(e => e.GetProperty("action").GetString() == "sign-in");
        Assert.Equal($"alice:{admins},unrelated", entry.GetProperty("target").GetString());
        Assert.Equal("alice@example.test", entry.GetProperty("actorName").GetString());
        Assert.Equal("person", entry.GetProperty("actorKind").GetString());
        Assert.Equal("admin", entry.GetProperty("detail").GetProperty("role").GetString());
        Assert.Equal(me.GetProperty("key").GetProperty("id").GetGuid(), entry.GetProperty("actorKeyId").GetGuid());
    }

    [Fact]
    public async Task A_viewer_group_person_is_a_viewer_and_may_not_change_settings()
    {
        var viewers = SignInFixture.Group("viewers");
        var tenant = await fx.TenantAsync((SignInFixture.Group("admins"), "admin"), (viewers, "viewer"));
        using var browser = await fx.SignedInAsync($"victor:{viewers}");
        var me = await fx.MeAsync(browser);
        Assert.Equal("viewer", me.GetProperty("key").GetProperty("role").GetString());
        Assert.Equal(tenant.Id, me.GetProperty("tenant").GetProperty("id").GetGuid());

        var put = new HttpRequestMessage(HttpMethod.Put, fx.Url($"/api/v1/tenants/{tenant.Id}/settings"))
        { Content = JsonContent.Create(new { defaultCountry = "GB", defaultTimeZone = "Europe/London" }) };
        put.Headers.Add("X-XSRF-TOKEN", await fx.AntiforgeryAsync(browser));
        await HttpAssert.Problem(await browser.SendAsync(put), HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_changed_mapping_changes_a_signed_in_persons_role_at_their_next_request_and_a_removed_one_ends_the_session()
    {
        var admins = SignInFixture.Group("admins");
        var tenant = await fx.TenantAsync((admins, "admin"));
        using var browser = await fx.SignedInAsync($"mona:{admins}");
        Assert.Equal("admin", (await fx.MeAsync(browser)).GetProperty("key").GetProperty("role").GetString());
        async Task<HttpResponseMessage> ChangeSettingsAsync()
        {
            var put = new HttpRequestMessage(HttpMethod.Put, fx.Url($"/api/v1/tenants/{tenant.Id}/settings"))
            { Content = JsonContent.Create(new { defaultCountry = "GB", defaultTimeZone = "Europe/London" }) };
            put.Headers.Add("X-XSRF-TOKEN", await fx.AntiforgeryAsync(browser));
            return await browser.SendAsync(put);
        }
        await HttpAssert.Json(await ChangeSettingsAsync(), HttpStatusCode.OK); // the control: as admin, the change goes through

        // The tenant's admin (by key) makes the group viewers: the session is a viewer's at its next request.
        await HttpAssert.Json(await tenant.Admin.PutAsJsonAsync($"/api/v1/tenants/{tenant.Id}/group-roles",
            new { mappings = new[] { new { group = admins, role = "viewer" } } }), HttpStatusCode.OK);
        Assert.Equal("viewer", (await fx.MeAsync(browser)).GetProperty("key").GetProperty("role").GetString());
        await HttpAssert.Problem(await ChangeSettingsAsync(), HttpStatusCode.Forbidden);

        // Then takes the group out of the mapping: the session ends.
        await HttpAssert.Json(await tenant.Admin.PutAsJsonAsync($"/api/v1/tenants/{tenant.Id}/group-roles",
            new { mappings = new[] { new { group = SignInFixture.Group("others"), role = "admin" } } }), HttpStatusCode.OK);
        await HttpAssert.Problem(await browser.GetAsync(fx.Url("/api/v1/me")), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Groups_that_match_no_tenant_are_refused_with_a_problem_and_the_refusal_is_audited()
    {
        await fx.TenantAsync((SignInFixture.Group("admins"), "admin"));
        var stranger = SignInFixture.Group("strangers");
        using var browser = new CookieBrowser();
        var response = await browser.SignInAsync(fx.Url("/auth/login"), $"mallory:{stranger}");
        var problem = await HttpAssert.Problem(response, HttpStatusCode.Forbidden);
        Assert.Contains(stranger, problem.GetProperty("detail").GetString());
        Assert.Null(browser.Cookie(fx.Api.BaseAddress.Host, "__Host-cxc-session"));
        await HttpAssert.Problem(await browser.GetAsync(fx.Url("/api/v1/me")), HttpStatusCode.Unauthorized);

        var refusals = await HttpAssert.Json(await fx.Api.Admin().GetAsync("/api/v1/audit-log?action=sign-in.refused"), HttpStatusCode.OK);
        var entry = refusals.EnumerateArray().Single(e => e.GetProperty("target").GetString() == $"mallory:{stranger}");
        Assert.Equal("no-matching-group", entry.GetProperty("detail").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task A_person_in_two_tenants_chooses_one_and_gets_the_highest_role_their_groups_give_there()
    {
        var (shared, supervisors) = (SignInFixture.Group("shared"), SignInFixture.Group("supervisors"));
        var first = await fx.TenantAsync((shared, "viewer"));
        var second = await fx.TenantAsync((shared, "viewer"), (supervisors, "supervisor"));
        var login = $"sam:{shared},{supervisors}";

        using (var choosing = new CookieBrowser())
        {
            var choice = await HttpAssert.Problem(await choosing.SignInAsync(fx.Url("/auth/login"), login), HttpStatusCode.Conflict);
            var offered = choice.GetProperty("tenants").EnumerateArray().ToDictionary(t => t.GetProperty("id").GetGuid(), t => t.GetProperty("role").GetString());
            Assert.Equal("viewer", offered[first.Id]);
            Assert.Equal("supervisor", offered[second.Id]);
            Assert.Null(choosing.Cookie(fx.Api.BaseAddress.Host, "__Host-cxc-session"));
        }

        using var byName = await fx.SignedInAsync(login, tenant: second.Name);
        var me = await fx.MeAsync(byName);
        Assert.Equal(second.Id, me.GetProperty("tenant").GetProperty("id").GetGuid());
        Assert.Equal("supervisor", me.GetProperty("key").GetProperty("role").GetString());

        using var byId = await fx.SignedInAsync(login, tenant: first.Id.ToString());
        Assert.Equal(first.Id, (await fx.MeAsync(byId)).GetProperty("tenant").GetProperty("id").GetGuid());

        using var elsewhere = new CookieBrowser();
        var refused = await elsewhere.SignInAsync(fx.Url($"/auth/login?tenant={Guid.NewGuid()}"), login);
        await HttpAssert.Problem(refused, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task A_change_with_the_cookie_needs_the_antiforgery_token_and_is_audited_as_the_person()
    {
        var admins = SignInFixture.Group("admins");
        var tenant = await fx.TenantAsync((admins, "admin"));
        using var browser = await fx.SignedInAsync($"ada:{admins}");

        HttpRequestMessage Put() => new(HttpMethod.Put, fx.Url($"/api/v1/tenants/{tenant.Id}/settings"))
        { Content = JsonContent.Create(new { defaultCountry = "GB", defaultTimeZone = "Europe/London" }) };

        var refused = await HttpAssert.Problem(await browser.SendAsync(Put()), HttpStatusCode.Forbidden);
        Assert.Contains("X-XSRF-TOKEN", refused.GetProperty("detail").GetString());
        var forged = Put();
        forged.Headers.Add("X-XSRF-TOKEN", "not-a-token");
        await HttpAssert.Problem(await browser.SendAsync(forged), HttpStatusCode.Forbidden);
        var unchanged = await HttpAssert.Json(await tenant.Admin.GetAsync($"/api/v1/tenants/{tenant.Id}"), HttpStatusCode.OK);
        Assert.Equal("US", unchanged.GetProperty("settings").GetProperty("defaultCountry").GetString());

        var allowed = Put();
        allowed.Headers.Add("X-XSRF-TOKEN", await fx.AntiforgeryAsync(browser));
        await HttpAssert.Json(await browser.SendAsync(allowed), HttpStatusCode.OK);

        var audit = await HttpAssert.Json(await tenant.Admin.GetAsync("/api/v1/audit-log?action=tenant.settings-changed"), HttpStatusCode.OK);
        Assert.Equal("ada@example.test", audit[0].GetProperty("actorName").GetString());
    }

    [Fact]
    public async Task A_request_with_an_authorization_header_is_judged_by_its_key_alone()
    {
        var admins = SignInFixture.Group("admins");
        await fx.TenantAsync((admins, "admin"));
        using var browser = await fx.SignedInAsync($"kim:{admins}");
        var request = new HttpRequestMessage(HttpMethod.Get, fx.Url("/api/v1/me"));
        request.Headers.Add("Authorization", "Bearer not-a-valid-key-at-all-0123456789");
        await HttpAssert.Problem(await browser.SendAsync(request), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Signing_out_needs_the_token_ends_the_session_for_every_copy_of_the_cookie_and_points_at_the_providers_logout()
    {
        var admins = SignInFixture.Group("admins");
        var tenant = await fx.TenantAsync((admins, "admin"));
        using var browser = await fx.SignedInAsync($"otto:{admins}");
        var host = fx.Api.BaseAddress.Host;
        var copy = browser.Cookie(host, "__Host-cxc-session")!;

        await HttpAssert.Problem(await browser.SendAsync(new HttpRequestMessage(HttpMethod.Post, fx.Url("/auth/logout"))), HttpStatusCode.Forbidden);
        await fx.MeAsync(browser);

        var logout = new HttpRequestMessage(HttpMethod.Post, fx.Url("/auth/logout"));
        logout.Headers.Add("X-XSRF-TOKEN", await fx.AntiforgeryAsync(browser));
        var signedOut = await HttpAssert.Json(await browser.SendAsync(logout), HttpStatusCode.OK);
        Assert.StartsWith(fx.Provider.Issuer.ToString().TrimEnd('/') + "/", signedOut.GetProperty("endSessionUrl").GetString());
        Assert.Null(browser.Cookie(host, "__Host-cxc-session"));
        await HttpAssert.Problem(await browser.GetAsync(fx.Url("/api/v1/me")), HttpStatusCode.Unauthorized);

        // The cookie as it was before signing out (kept by an attacker, say) no longer works either.
        browser.Set(host, "__Host-cxc-session", copy);
        await HttpAssert.Problem(await browser.GetAsync(fx.Url("/api/v1/me")), HttpStatusCode.Unauthorized);
        var audit = await HttpAssert.Json(await tenant.Admin.GetAsync("/api/v1/audit-log?action=sign-out"), HttpStatusCode.OK);
        Assert.Equal("otto@example.test", audit[0].GetProperty("actorName").GetString());
    }

    [Fact]
    public async Task The_hangfire_dashboard_sends_people_to_sign_in_lets_system_admins_in_and_refuses_a_post_without_the_token()
    {
        using (var anonymous = new CookieBrowser())
        {
            var landing = await anonymous.GetAsync(fx.Url("/hangfire"));
            Assert.Equal(HttpStatusCode.Redirect, landing.StatusCode);
            Assert.Equal("/auth/login?returnUrl=%2Fhangfire", landing.Headers.Location!.OriginalString);
        }

        var operators = SignInFixture.Group("operators");
        await HttpAssert.Json(await fx.Api.Admin().PutAsJsonAsync($"/api/v1/tenants/{Guid.Empty}/group-roles",
            new { mappings = new[] { new { group = operators, role = "system-admin" } } }), HttpStatusCode.OK);
        using var browser = await fx.SignedInAsync($"root:{operators}", returnUrl: "/hangfire");
        Assert.Equal("system-admin", (await fx.MeAsync(browser)).GetProperty("key").GetProperty("role").GetString());
        var dashboard = await browser.GetAsync(fx.Url("/hangfire"));
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Contains("Hangfire", await dashboard.Content.ReadAsStringAsync());

        var post = () => new HttpRequestMessage(HttpMethod.Post, fx.Url("/hangfire/recurring/trigger"))
        { Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["jobs[]"] = "none" }) };
        await HttpAssert.Problem(await browser.SendAsync(post()), HttpStatusCode.Forbidden);
        var withToken = post();
        withToken.Headers.Add("X-XSRF-TOKEN", await fx.AntiforgeryAsync(browser));
        Assert.NotEqual(HttpStatusCode.Forbidden, (await browser.SendAsync(withToken)).StatusCode);

        // A tenant's admin is no operator.
        var admins = SignInFixture.Group("admins");
        await fx.TenantAsync((admins, "admin"));
        using var tenantAdmin = await fx.SignedInAsync($"tess:{admins}");
        Assert.Equal(HttpStatusCode.Forbidden, (await tenantAdmin.GetAsync(fx.Url("/hangfire"))).StatusCode);
    }

    [Fact]
    public async Task Hangfire_itself_checks_the_token_of_a_dashboard_post_made_with_the_key_cookie()
    {
        using var browser = new CookieBrowser();
        browser.Set(fx.Api.BaseAddress.Host, "cxc_api_key", fx.Api.SystemAdminKey);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(fx.Url("/hangfire"))).StatusCode);
        var post = new HttpRequestMessage(HttpMethod.Post, fx.Url("/hangfire/recurring/trigger"))
        { Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["jobs[]"] = "none" }) };
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.SendAsync(post)).StatusCode);
    }

    [Fact]
    public async Task The_mapping_is_checked_field_by_field_and_only_the_system_tenant_hands_out_system_admin()
    {
        var tenant = await fx.TenantAsync();
        var bad = await tenant.Admin.PutAsJsonAsync($"/api/v1/tenants/{tenant.Id}/group-roles", new
        {
            mappings = new object[] { new { group = "ops", role = "system-admin" }, new { group = "ops", role = "admin" }, new { group = "", role = "owner" } },
        });
        await HttpAssert.FieldError(bad, "mappings[0].role");
        var errors = (await HttpAssert.Problem(await tenant.Admin.PutAsJsonAsync($"/api/v1/tenants/{tenant.Id}/group-roles", new
        {
            mappings = new object[] { new { group = "ops", role = "admin" }, new { group = "ops", role = "viewer" }, new { group = " ", role = "owner" } },
        }), HttpStatusCode.BadRequest)).GetProperty("errors");
        Assert.True(errors.TryGetProperty("mappings[1].group", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("mappings[2].group", out _), errors.ToString());
        Assert.True(errors.TryGetProperty("mappings[2].role", out _), errors.ToString());
        await HttpAssert.FieldError(await fx.Api.Admin().PutAsJsonAsync($"/api/v1/tenants/{Guid.Empty}/group-roles",
            new { mappings = new[] { new { group = "ops", role = "admin" } } }), "mappings[0].role");
        await HttpAssert.FieldError(await tenant.Admin.PutAsJsonAsync($"/api/v1/tenants/{tenant.Id}/group-roles", new { }), "mappings");

        var listed = await HttpAssert.Json(await tenant.Admin.GetAsync($"/api/v1/tenants/{tenant.Id}/group-roles"), HttpStatusCode.OK);
        Assert.Equal(0, listed.GetProperty("mappings").GetArrayLength());
        Assert.True(listed.GetProperty("singleSignOn").GetBoolean());
    }

    [Fact]
    public async Task The_console_learns_without_a_key_that_single_sign_on_is_on()
    {
        var config = await HttpAssert.Json(await fx.Api.Client().GetAsync("/auth/config"), HttpStatusCode.OK);
        Assert.True(config.GetProperty("singleSignOn").GetBoolean());
        Assert.Equal("/auth/login", config.GetProperty("signInUrl").GetString());
    }
}
