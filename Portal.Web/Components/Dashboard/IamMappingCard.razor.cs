using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Portal.Core.Aws;
using Portal.Core.Aws.Iam;
using Portal.Web.Auth;

namespace Portal.Web.Components.Dashboard;

public partial class IamMappingCard
{
    [Inject]
    private IIamClient Iam { get; set; } = default!;

    private string? _iamUserName;
    private IamUser? _user;
    private IReadOnlyList<IamGroup> _groups = [];
    private AwsApiException? _error;
    private bool _loaded;
    private bool _invalidName;

    [CascadingParameter]
    private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        var state = await AuthenticationState;
        _iamUserName = state.User.FindFirst(PortalClaims.IamUser)?.Value;
        if (_iamUserName is null)
        {
            return;
        }

        if (!IamNames.IsValidUserName(_iamUserName))
        {
            _invalidName = true;
            return;
        }

        try
        {
            _user = await Iam.GetUserAsync(_iamUserName);
            if (_user is not null)
            {
                _groups = await Iam.ListGroupsForUserAsync(_iamUserName);
            }
        }
        catch (AwsApiException ex)
        {
            _error = ex;
        }

        _loaded = true;
    }
}
