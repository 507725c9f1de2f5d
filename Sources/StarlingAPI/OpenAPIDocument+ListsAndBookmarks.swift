extension OpenAPIDocument {
    /// The operations of this feature, merged into the served document (see `fragments`).
    static let listsAndBookmarks = #"""
{
 "components": {
  "schemas": {
   "List": {
    "properties": {
     "exclusive": {
      "type": "boolean"
     },
     "id": {
      "type": "string"
     },
     "replies_policy": {
      "enum": [
       "followed",
       "list",
       "none"
      ],
      "type": "string"
     },
     "title": {
      "type": "string"
     }
    },
    "required": [
     "id",
     "title",
     "replies_policy",
     "exclusive"
    ],
    "type": "object"
   }
  }
 },
 "paths": {
  "/api/v1/accounts/{id}/lists": {
   "get": {
    "operationId": "accountLists",
    "parameters": [
     {
      "description": "The account's id.",
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "items": {
          "$ref": "#/components/schemas/List"
         },
         "type": "array"
        }
       }
      },
      "description": "Lists."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "read:lists"
      ]
     }
    ],
    "summary": "The caller's lists that hold an account.",
    "tags": [
     "lists"
    ]
   }
  },
  "/api/v1/bookmarks": {
   "get": {
    "operationId": "bookmarks",
    "parameters": [
     {
      "description": "Entries older than this id.",
      "in": "query",
      "name": "max_id",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "description": "Entries newer than this id.",
      "in": "query",
      "name": "since_id",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "description": "Entries immediately newer than this id.",
      "in": "query",
      "name": "min_id",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "description": "Page size (capped by the call's maximum).",
      "in": "query",
      "name": "limit",
      "required": false,
      "schema": {
       "minimum": 1,
       "type": "integer"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "items": {
          "$ref": "#/components/schemas/Status"
         },
         "type": "array"
        }
       }
      },
      "description": "Statuses; the Link header pages by bookmark id.",
      "headers": {
       "Link": {
        "description": "Mastodon's paging links (`next`, `prev`) when the page is not empty.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "read:bookmarks"
      ]
     }
    ],
    "summary": "The caller's bookmarked statuses, newest bookmark first.",
    "tags": [
     "statuses"
    ]
   }
  },
  "/api/v1/favourites": {
   "get": {
    "operationId": "favourites",
    "parameters": [
     {
      "description": "Entries older than this id.",
      "in": "query",
      "name": "max_id",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "description": "Entries newer than this id.",
      "in": "query",
      "name": "since_id",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "description": "Entries immediately newer than this id.",
      "in": "query",
      "name": "min_id",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "description": "Page size (capped by the call's maximum).",
      "in": "query",
      "name": "limit",
      "required": false,
      "schema": {
       "minimum": 1,
       "type": "integer"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "items": {
          "$ref": "#/components/schemas/Status"
         },
         "type": "array"
        }
       }
      },
      "description": "Statuses; the Link header pages by favourite id.",
      "headers": {
       "Link": {
        "description": "Mastodon's paging links (`next`, `prev`) when the page is not empty.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "read:favourites"
      ]
     }
    ],
    "summary": "The caller's favourited statuses, newest favourite first.",
    "tags": [
     "statuses"
    ]
   }
  },
  "/api/v1/lists": {
   "get": {
    "operationId": "lists",
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "items": {
          "$ref": "#/components/schemas/List"
         },
         "type": "array"
        }
       }
      },
      "description": "Lists, oldest first."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "read:lists"
      ]
     }
    ],
    "summary": "The caller's lists.",
    "tags": [
     "lists"
    ]
   },
   "post": {
    "operationId": "createList",
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "properties": {
         "exclusive": {
          "oneOf": [
           {
            "type": "boolean"
           },
           {
            "type": "string"
           }
          ]
         },
         "replies_policy": {
          "enum": [
           "followed",
           "list",
           "none"
          ],
          "type": "string"
         },
         "title": {
          "maxLength": 256,
          "type": "string"
         }
        },
        "required": [
         "title"
        ],
        "type": "object"
       }
      },
      "application/x-www-form-urlencoded": {
       "schema": {
        "properties": {
         "exclusive": {
          "oneOf": [
           {
            "type": "boolean"
           },
           {
            "type": "string"
           }
          ]
         },
         "replies_policy": {
          "enum": [
           "followed",
           "list",
           "none"
          ],
          "type": "string"
         },
         "title": {
          "maxLength": 256,
          "type": "string"
         }
        },
        "required": [
         "title"
        ],
        "type": "object"
       }
      }
     },
     "required": true
    },
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/List"
        }
       }
      },
      "description": "The list."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "write:lists"
      ]
     }
    ],
    "summary": "Create a list.",
    "tags": [
     "lists"
    ]
   }
  },
  "/api/v1/lists/{id}": {
   "delete": {
    "operationId": "deleteList",
    "parameters": [
     {
      "description": "The list's id.",
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Empty"
        }
       }
      },
      "description": "An empty object."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "write:lists"
      ]
     }
    ],
    "summary": "Delete a list.",
    "tags": [
     "lists"
    ]
   },
   "get": {
    "operationId": "getList",
    "parameters": [
     {
      "description": "The list's id.",
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/List"
        }
       }
      },
      "description": "The list."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "read:lists"
      ]
     }
    ],
    "summary": "One of the caller's lists.",
    "tags": [
     "lists"
    ]
   },
   "put": {
    "operationId": "updateList",
    "parameters": [
     {
      "description": "The list's id.",
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "properties": {
         "exclusive": {
          "oneOf": [
           {
            "type": "boolean"
           },
           {
            "type": "string"
           }
          ]
         },
         "replies_policy": {
          "enum": [
           "followed",
           "list",
           "none"
          ],
          "type": "string"
         },
         "title": {
          "maxLength": 256,
          "type": "string"
         }
        },
        "required": [],
        "type": "object"
       }
      },
      "application/x-www-form-urlencoded": {
       "schema": {
        "properties": {
         "exclusive": {
          "oneOf": [
           {
            "type": "boolean"
           },
           {
            "type": "string"
           }
          ]
         },
         "replies_policy": {
          "enum": [
           "followed",
           "list",
           "none"
          ],
          "type": "string"
         },
         "title": {
          "maxLength": 256,
          "type": "string"
         }
        },
        "required": [],
        "type": "object"
       }
      }
     },
     "required": false
    },
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/List"
        }
       }
      },
      "description": "The list."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "write:lists"
      ]
     }
    ],
    "summary": "Change a list's title, replies policy or exclusivity.",
    "tags": [
     "lists"
    ]
   }
  },
  "/api/v1/lists/{id}/accounts": {
   "delete": {
    "operationId": "removeListAccounts",
    "parameters": [
     {
      "description": "The list's id.",
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "description": "Accounts to remove (or in the body).",
      "in": "query",
      "name": "account_ids[]",
      "required": false,
      "schema": {
       "items": {
        "type": "string"
       },
       "type": "array"
      }
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "properties": {
         "account_ids": {
          "oneOf": [
           {
            "items": {
             "type": "string"
            },
            "type": "array"
           },
           {
            "type": "string"
           }
          ]
         }
        },
        "required": [],
        "type": "object"
       }
      },
      "application/x-www-form-urlencoded": {
       "schema": {
        "properties": {
         "account_ids": {
          "oneOf": [
           {
            "items": {
             "type": "string"
            },
            "type": "array"
           },
           {
            "type": "string"
           }
          ]
         }
        },
        "required": [],
        "type": "object"
       }
      }
     },
     "required": false
    },
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Empty"
        }
       }
      },
      "description": "An empty object."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "write:lists"
      ]
     }
    ],
    "summary": "Remove accounts from a list.",
    "tags": [
     "lists"
    ]
   },
   "get": {
    "operationId": "listAccounts",
    "parameters": [
     {
      "description": "The list's id.",
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "description": "Entries older than this id.",
      "in": "query",
      "name": "max_id",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "description": "Entries newer than this id.",
      "in": "query",
      "name": "since_id",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "description": "Entries immediately newer than this id.",
      "in": "query",
      "name": "min_id",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "description": "Page size (0: every member, without paging).",
      "in": "query",
      "name": "limit",
      "required": false,
      "schema": {
       "minimum": 0,
       "type": "integer"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "items": {
          "$ref": "#/components/schemas/Account"
         },
         "type": "array"
        }
       }
      },
      "description": "Accounts.",
      "headers": {
       "Link": {
        "description": "Mastodon's paging links (`next`, `prev`) when the page is not empty.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "read:lists"
      ]
     }
    ],
    "summary": "A list's members, paged by account id (`limit=0`: all).",
    "tags": [
     "lists"
    ]
   },
   "post": {
    "operationId": "addListAccounts",
    "parameters": [
     {
      "description": "The list's id.",
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "requestBody": {
     "content": {
      "application/json": {
       "schema": {
        "properties": {
         "account_ids": {
          "oneOf": [
           {
            "items": {
             "type": "string"
            },
            "type": "array"
           },
           {
            "type": "string"
           }
          ]
         }
        },
        "required": [
         "account_ids"
        ],
        "type": "object"
       }
      },
      "application/x-www-form-urlencoded": {
       "schema": {
        "properties": {
         "account_ids": {
          "oneOf": [
           {
            "items": {
             "type": "string"
            },
            "type": "array"
           },
           {
            "type": "string"
           }
          ]
         }
        },
        "required": [
         "account_ids"
        ],
        "type": "object"
       }
      }
     },
     "required": true
    },
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Empty"
        }
       }
      },
      "description": "An empty object."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "write:lists"
      ]
     }
    ],
    "summary": "Add accounts the caller follows to a list.",
    "tags": [
     "lists"
    ]
   }
  },
  "/api/v1/statuses/{id}/bookmark": {
   "post": {
    "operationId": "bookmarkStatus",
    "parameters": [
     {
      "description": "The status's id.",
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Status"
        }
       }
      },
      "description": "The status (a reblog's original is what is bookmarked)."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "write:bookmarks"
      ]
     }
    ],
    "summary": "Bookmark a status (idempotent).",
    "tags": [
     "statuses"
    ]
   }
  },
  "/api/v1/statuses/{id}/pin": {
   "post": {
    "operationId": "pinStatus",
    "parameters": [
     {
      "description": "The status's id.",
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Status"
        }
       }
      },
      "description": "The status."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "write:accounts"
      ]
     }
    ],
    "summary": "Pin one of your own public or unlisted statuses (at most 5).",
    "tags": [
     "statuses"
    ]
   }
  },
  "/api/v1/statuses/{id}/unbookmark": {
   "post": {
    "operationId": "unbookmarkStatus",
    "parameters": [
     {
      "description": "The status's id.",
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Status"
        }
       }
      },
      "description": "The status (a reblog's original is what is bookmarked)."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "write:bookmarks"
      ]
     }
    ],
    "summary": "Remove a bookmark (idempotent).",
    "tags": [
     "statuses"
    ]
   }
  },
  "/api/v1/statuses/{id}/unpin": {
   "post": {
    "operationId": "unpinStatus",
    "parameters": [
     {
      "description": "The status's id.",
      "in": "path",
      "name": "id",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Status"
        }
       }
      },
      "description": "The status."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "413": {
      "$ref": "#/components/responses/ContentTooLarge"
     },
     "415": {
      "$ref": "#/components/responses/UnsupportedMediaType"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "write:accounts"
      ]
     }
    ],
    "summary": "Unpin a status (idempotent).",
    "tags": [
     "statuses"
    ]
   }
  },
  "/api/v1/streaming/list": {
   "get": {
    "operationId": "streamList",
    "parameters": [
     {
      "description": "The list's id.",
      "in": "query",
      "name": "list",
      "required": true,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "text/event-stream": {
        "schema": {
         "type": "string"
        }
       }
      },
      "description": "Server-sent events, until the client leaves."
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "read:statuses"
      ]
     }
    ],
    "summary": "Stream one of the caller's lists as server-sent events.",
    "tags": [
     "streaming"
    ]
   }
  },
  "/api/v1/timelines/list/{list_id}": {
   "get": {
    "operationId": "listTimeline",
    "parameters": [
     {
      "description": "The list's id.",
      "in": "path",
      "name": "list_id",
      "required": true,
      "schema": {
       "type": "string"
      }
     },
     {
      "description": "Entries older than this id.",
      "in": "query",
      "name": "max_id",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "description": "Entries newer than this id.",
      "in": "query",
      "name": "since_id",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "description": "Entries immediately newer than this id.",
      "in": "query",
      "name": "min_id",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "description": "Page size (capped by the call's maximum).",
      "in": "query",
      "name": "limit",
      "required": false,
      "schema": {
       "minimum": 1,
       "type": "integer"
      }
     }
    ],
    "responses": {
     "200": {
      "content": {
       "application/json": {
        "schema": {
         "items": {
          "$ref": "#/components/schemas/Status"
         },
         "type": "array"
        }
       }
      },
      "description": "Statuses.",
      "headers": {
       "Link": {
        "description": "Mastodon's paging links (`next`, `prev`) when the page is not empty.",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/BadRequest"
     },
     "401": {
      "$ref": "#/components/responses/Unauthorized"
     },
     "403": {
      "$ref": "#/components/responses/Forbidden"
     },
     "404": {
      "$ref": "#/components/responses/NotFound"
     },
     "422": {
      "$ref": "#/components/responses/UnprocessableContent"
     },
     "429": {
      "$ref": "#/components/responses/TooManyRequests"
     },
     "503": {
      "$ref": "#/components/responses/ServiceUnavailable"
     }
    },
    "security": [
     {
      "OAuth2": [
       "read:lists"
      ]
     }
    ],
    "summary": "A list's timeline, newest first.",
    "tags": [
     "timelines"
    ]
   }
  }
 },
 "tags": [
  {
   "description": "Lists of followed accounts and their timelines.",
   "name": "lists"
  }
 ]
}
"""#
}
