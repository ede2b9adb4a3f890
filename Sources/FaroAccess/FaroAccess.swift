// FaroAccess: realms, users, groups, roles, ACLs, pools, tokens, tickets (being written).
