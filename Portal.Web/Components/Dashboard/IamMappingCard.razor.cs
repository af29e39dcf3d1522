using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Portal.Core.Access;
using Portal.Core.Aws;
using Portal.Core.Aws.Iam;
using Portal.Web.Auth;

namespace Portal.Web.Components.Dashboard;

/// <summary>The signed-in person's IAM user as access requests find it (claim or tag, <see cref="IIamUserMapper"/>), or what is missing.</summary>
public partial class IamMappingCard
{
    [Inject]
    private IIamClient Iam { get; set; } = default!;

    [Inject]
    private IIamUserMapper Mapper { get; set; } = default!;

    private string? _problem;
    private IamUser? _user;
    private IReadOnlyList<IamGroup> _groups = [];
    private AwsApiException? _error;
    private bool _loaded;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        var person = (await AuthenticationState).User.ToAccessPerson();
        try
        {
            var mapping = await Mapper.MapAsync(person);
            _problem = mapping.Problem?.ToString(System.Globalization.CultureInfo.CurrentUICulture);
            if (mapping.UserName is { } name)
            {
                _user = await Iam.GetUserAsync(name);
                _groups = await Iam.ListGroupsForUserAsync(name);
            }
        }
        catch (AwsApiException ex)
        {
            _error = ex;
        }

        _loaded = true;
    }
}
