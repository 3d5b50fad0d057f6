using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using CxContact.Core.Compliance;
using CxContact.Core.Lists;
using CxContact.Core.Messaging;
using CxContact.Server.Api;
using Fluid;
using Fluid.Ast;

namespace CxContact.Server.Messaging;

/// <summary>
/// Liquid (Fluid) templates of messages: parsed and checked when saved, rendered per contact when sent. A template
/// sees the contact's standard fields by name (<c>{{ first_name }}</c>), its custom fields under <c>custom</c>
/// (<c>{{ custom.balance }}</c>), and <c>phone</c> and <c>email</c>, the address the message goes to.
/// </summary>
public static partial class MessageTemplateText
{
    private static readonly FluidParser Parser = new();

    /// <summary>Names a template may read: the standard fields, the recipient's address, and the custom fields' object.</summary>
    public static readonly IReadOnlySet<string> Fields =
        new HashSet<string>([.. StandardFields.Text, "phone", "email", "custom"], StringComparer.Ordinal);

    /// <summary>Each field's stand-in when the saved text is measured: as long as a typical value.</summary>
    private const string Sample = "Sample Value";

    /// <param name="CustomFields">The custom fields it reads (<c>custom.balance</c> is "balance"): a campaign's lists must have them.</param>
    public sealed record Checked(IFluidTemplate Subject, IFluidTemplate Body, IFluidTemplate? Html, SmsSegments? Segments, IReadOnlySet<string> CustomFields);

    /// <summary>Parses and checks a template; problems go to <paramref name="errors"/> under the field they concern.</summary>
    public static Checked? Check(Channel channel, CallPurpose purpose, string? subject, string? body, string? html, FieldErrors errors)
    {
        var before = errors.Count;
        if (string.IsNullOrWhiteSpace(body)) errors.Add("body", "is required: the text of the message");
        if (channel == Channel.Email && string.IsNullOrWhiteSpace(subject)) errors.Add("subject", "is required for an email template");
        if (channel == Channel.Sms && subject is not null) errors.Add("subject", "an SMS has no subject");
        if (channel == Channel.Sms && html is not null) errors.Add("html", "an SMS has no HTML body");
        if (body is { Length: > 20_000 }) errors.Add("body", "at most 20,000 characters");
        if (html is { Length: > 200_000 }) errors.Add("html", "at most 200,000 characters");
        if (subject is { Length: > 500 }) errors.Add("subject", "at most 500 characters");
        if (errors.Count > before) return null;

        var custom = new SortedSet<string>(StringComparer.Ordinal);
        var b = Parse("body", body!, errors, custom);
        var s = Parse("subject", subject ?? "", errors, custom);
        var h = html is null ? null : Parse("html", html, errors, custom);
        if (b is null || s is null || (html is not null && h is null)) return null;

        SmsSegments? segments = null;
        if (channel == Channel.Sms)
        {
            var sample = RenderSample(b);
            segments = SmsSegments.Count(sample);
            if (segments.Segments > SmsSegments.MaxSegments)
                errors.Add("body", $"takes {segments.Segments} SMS segments ({segments.Encoding}, {segments.Units} units with each field as a 12-character value); at most {SmsSegments.MaxSegments}");
            // Marketing texts must say how to stop them (47 CFR 64.1200(a)(10) makes STOP a revocation; carriers
            // refuse unregistered marketing traffic without it).
            if (purpose == CallPurpose.Sales && !OptOutText().IsMatch(body!))
                errors.Add("body", "a marketing SMS must say how to opt out, e.g. \"Reply STOP to opt out\"");
        }
        return errors.Count > before ? null : new Checked(s, b, h, segments, custom);
    }

    /// <summary>Renders one message for a contact: its fields, its custom fields, and the address it goes to.</summary>
    public static async Task<(string? Subject, string Body, string? Html)> RenderAsync(Checked t, IReadOnlyDictionary<string, object?> fields)
    {
        var context = new TemplateContext(fields);
        var body = await t.Body.RenderAsync(context, NullEncoder.Default);
        var subject = await t.Subject.RenderAsync(context, NullEncoder.Default);
        var html = t.Html is null ? null : await t.Html.RenderAsync(context, HtmlEncoder.Default);
        return (subject.Length == 0 ? null : subject, body, html);
    }

    private static IFluidTemplate? Parse(string field, string text, FieldErrors errors, ISet<string> custom)
    {
        if (!Parser.TryParse(text, out var template, out var error))
        {
            errors.Add(field, $"is not a valid Liquid template: {error}");
            return null;
        }
        var unknown = new UnknownFields();
        unknown.VisitTemplate(template);
        custom.UnionWith(unknown.Custom);
        foreach (var name in unknown.Found.Order(StringComparer.Ordinal))
            errors.Add(field, $"\"{name}\" is not a field a message can use; use {string.Join(", ", StandardFields.Text)}, phone, email or custom.<name>");
        return unknown.Found.Count == 0 ? template : null;
    }

    private static string RenderSample(IFluidTemplate t)
    {
        var fields = Fields.Where(f => f != "custom").ToDictionary(f => f, _ => (object?)Sample);
        fields["custom"] = new SampleCustom();
        return t.Render(new TemplateContext(fields), NullEncoder.Default);
    }

    /// <summary>Any custom field reads as the sample value.</summary>
    private sealed class SampleCustom : Dictionary<string, object?>
    {
        public SampleCustom() : base(StringComparer.Ordinal) { }
    }

    /// <summary>Top-level names the template reads that are not fields, nor variables it assigns itself; and the custom fields it reads.</summary>
    private sealed class UnknownFields : AstVisitor
    {
        private readonly HashSet<string> _own = new(StringComparer.Ordinal) { "forloop" };
        public HashSet<string> Found { get; } = new(StringComparer.Ordinal);
        public HashSet<string> Custom { get; } = new(StringComparer.Ordinal);

        protected override Statement VisitAssignStatement(AssignStatement assignStatement)
        {
            _own.Add(assignStatement.Identifier);
            return base.VisitAssignStatement(assignStatement);
        }

        protected override Statement VisitCaptureStatement(CaptureStatement captureStatement)
        {
            _own.Add(captureStatement.Identifier);
            return base.VisitCaptureStatement(captureStatement);
        }

        protected override Statement VisitForStatement(ForStatement forStatement)
        {
            _own.Add(forStatement.Identifier);
            return base.VisitForStatement(forStatement);
        }

        protected override Expression VisitMemberExpression(MemberExpression memberExpression)
        {
            if (memberExpression.Segments.FirstOrDefault() is IdentifierSegment { Identifier: var name } && !Fields.Contains(name) && !_own.Contains(name))
                Found.Add(name);
            if (memberExpression.Segments is [IdentifierSegment { Identifier: "custom" }, var second, ..] && !_own.Contains("custom"))
            {
                if (second is IdentifierSegment { Identifier: var field }) Custom.Add(field);
                else if (second is IndexerSegment { Expression: LiteralExpression { Value: var v } }) Custom.Add(v.ToStringValue());
            }
            return base.VisitMemberExpression(memberExpression);
        }
    }

    [GeneratedRegex(@"\b(STOP|ARRET|ARRÊT|UNSUBSCRIBE)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OptOutText();
}
