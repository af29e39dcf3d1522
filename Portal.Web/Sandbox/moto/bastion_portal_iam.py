"""IAM users' permissions boundaries for the sandbox's moto, which keeps them for roles only.

Installed by sitecustomize.py beside this file, so only the Python that runs the sandbox's (or the tests') moto_server
loads it. PutUserPermissionsBoundary and DeleteUserPermissionsBoundary are added, with IAM's errors for a user or a
policy that does not exist, and GetUser returns the boundary (PermissionsBoundaryType, PermissionsBoundaryArn) as
botocore's model shapes it. As in IAM, ListUsers leaves it out. moto evaluates no IAM condition: what the boundary
and the portal's conditioned permissions enforce on a real account is checked by the tests' policy evaluator.
"""


def install():
    from moto.core.responses import EmptyResult
    from moto.iam.exceptions import NotFoundException
    from moto.iam.models import User
    from moto.iam.responses import IamResponse

    def permissions_boundary(self):
        arn = getattr(self, "permissions_boundary_arn", None)
        if not arn:
            return None
        return {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": arn}

    def put_user_permissions_boundary(self):
        user = self.backend.get_user(self._get_param("UserName"))
        arn = self._get_param("PermissionsBoundary")
        if arn not in self.backend.managed_policies:
            raise NotFoundException(f"Policy {arn} does not exist or is not attachable.")
        user.permissions_boundary_arn = arn
        return EmptyResult()

    def delete_user_permissions_boundary(self):
        user = self.backend.get_user(self._get_param("UserName"))
        user.permissions_boundary_arn = None
        return EmptyResult()

    User.permissions_boundary = property(permissions_boundary)
    IamResponse.put_user_permissions_boundary = put_user_permissions_boundary
    IamResponse.delete_user_permissions_boundary = delete_user_permissions_boundary
    IamResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER["GetUserResponse.User.PermissionsBoundary"] = _return_if_not_empty()
    IamResponse.RESPONSE_KEY_PATH_TO_TRANSFORMER["ListUsersResponse.Users.User.PermissionsBoundary"] = _never_return()


def _return_if_not_empty():
    from moto.core.serialize import return_if_not_empty

    return return_if_not_empty


def _never_return():
    from moto.core.serialize import never_return

    return never_return
