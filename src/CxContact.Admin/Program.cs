using CxContact.Admin;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Components.WebAssembly.Hosting;
using MudBlazor.Services;

var builder = WebAssemblyHostBuilder.CreateDefault(args);
builder.RootComponents.Add<App>("#app");
builder.RootComponents.Add<HeadOutlet>("head::after");

// Notifications appear and go at once: a fading message is briefly unreadable (and axe-core measures it so).
builder.Services.AddMudServices(c => (c.SnackbarConfiguration.ShowTransitionDuration, c.SnackbarConfiguration.HideTransitionDuration) = (0, 0));
// The API is the host that serves the console: the console's origin is the API's.
builder.Services.AddScoped<AntiforgeryHandler>();
builder.Services.AddScoped(sp =>
{
    var antiforgery = sp.GetRequiredService<AntiforgeryHandler>();
    antiforgery.InnerHandler = new BrowserStreaming { InnerHandler = new HttpClientHandler() };
    return new HttpClient(antiforgery) { BaseAddress = new Uri(builder.HostEnvironment.BaseAddress) };
});
builder.Services.AddScoped<ApiSession>();

await builder.Build().RunAsync();
